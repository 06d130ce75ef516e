import CTICore
import Crypto
import Foundation
import Licensing
import ReleaseCatalog
import Signing

/// The client's startup check (docs/startup-check.md) as a client runs it, in one run:
///  1. the whole `ctictl-check` process (license, config and compatibility, with its state
///     file) against `openssl pkeyutl -verify` of the license's signature;
///  2. `cti_startup_check` called in process through the shipped library (dlopen, as a client
///     loads it) against raw swift-crypto verification of the same signature.
/// Each also without some inputs, so the figures say where the time goes.
enum StartupBenchmark {
    static func run(check: String, library: String, catalogDirectory: String, runs: Int, seconds: Double) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ctictl-startup-bench-\(getpid())").path
        try SafeFile.makeDirectory(dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inputs = try Inputs(in: dir, catalogDirectory: catalogDirectory)

        print("== startup check: the whole \(SafeFile.fileName(of: check)) process against openssl pkeyutl -verify")
        let processes: [(String, [String])] = [
            ("ctictl-check, license + config + compatibility, state", [check, "--request", try inputs.request(in: dir, "full", state: true)]),
            ("ctictl-check, the same without the state file", [check, "--request", try inputs.request(in: dir, "stateless", state: false)]),
            ("ctictl-check, the same without config (and state)", [check, "--request", try inputs.request(in: dir, "noconfig", state: false, config: false)]),
        ]
        let openssl = ["/usr/bin/openssl", "pkeyutl", "-verify", "-pubin", "-inkey", inputs.publicKey, "-rawin", "-in", inputs.signingInput, "-sigfile", inputs.signature]
        for (label, command) in processes + [("openssl", openssl)] {
            let status = ProcessBenchmark.spawn(command)
            guard status == 0 else { throw CTIFailure(.bench, "\(label): exit status \(status); run by hand: \(command.joined(separator: " "))") }
        }
        for _ in 0..<10 { for (_, command) in processes + [("", openssl)] { _ = ProcessBenchmark.spawn(command) } }
        var times = Array(repeating: [Double](), count: processes.count)
        var opensslTimes: [Double] = []
        var ratios: [Double] = []
        for _ in 0..<runs {
            for (index, (_, command)) in processes.enumerated() { times[index].append(ProcessBenchmark.time { _ = ProcessBenchmark.spawn(command) }) }
            opensslTimes.append(ProcessBenchmark.time { _ = ProcessBenchmark.spawn(openssl) })
            ratios.append(times[0].last! / opensslTimes.last!)
        }
        print("runs: \(runs) each, interleaved")
        for (index, (label, _)) in processes.enumerated() {
            print(label.padding(toLength: 56, withPad: " ", startingAt: 0) + String(format: "median %.2f ms", BatchBenchmark.median(times[index]) * 1e3))
        }
        print("openssl pkeyutl -verify".padding(toLength: 56, withPad: " ", startingAt: 0) + String(format: "median %.2f ms", BatchBenchmark.median(opensslTimes) * 1e3))
        print(String(format: "median of per-pair ratios ctictl-check (state) / openssl (target <= 0.8): %.3f", BatchBenchmark.median(ratios)))

        print("== startup check in process: cti_startup_check (dlopen \(SafeFile.fileName(of: library))) against raw Ed25519 verify")
        let entry = try CEntry(library: library)
        let calls: [(String, [UInt8])] = [
            ("cti_startup_check, license + config + compatibility", Array(try SafeFile.read(try inputs.request(in: dir, "inproc-full", state: false)))),
            ("cti_startup_check, license + compatibility (no config)", Array(try SafeFile.read(try inputs.request(in: dir, "inproc-noconfig", state: false, config: false)))),
        ]
        for (label, request) in calls {
            let verdict = entry.call(request)
            guard case .object(let members)? = try? JSONParser.parse(Array(verdict.utf8)), members["verdict"] == .string("start") else {
                throw CTIFailure(.bench, "\(label): not a start:\n\(verdict)")
            }
        }
        var sink = 0
        var raw: [Double] = []
        var rates = Array(repeating: [Double](), count: calls.count)
        for _ in 0..<5 {
            raw.append(rate(seconds: seconds / 20) { if inputs.key.isValidSignature(inputs.signatureBytes, for: inputs.signingInputBytes) { sink += 1 } })
            for (index, (_, request)) in calls.enumerated() {
                rates[index].append(rate(seconds: seconds / 20) { sink += entry.callLength(request) })
            }
        }
        let rawRate = BatchBenchmark.median(raw)
        print(String(format: "raw swift-crypto Ed25519 verify".padding(toLength: 56, withPad: " ", startingAt: 0) + "%9.0f /s  (%.1f µs)", rawRate, 1e6 / rawRate))
        for (index, (label, _)) in calls.enumerated() {
            let callRate = BatchBenchmark.median(rates[index])
            print(String(format: label.padding(toLength: 56, withPad: " ", startingAt: 0) + "%9.0f /s  (%.1f µs)  ratio %.3f", callRate, 1e6 / callRate, callRate / rawRate))
        }
        print(String(format: "ratio cti_startup_check (full) / raw (target >= 0.8): %.3f  (medians of 5 interleaved rounds)", BatchBenchmark.median(rates[0]) / rawRate))
        if sink == 0 { print("") }
    }

    /// The files of a typical client installation, signed by a fresh production key.
    struct Inputs {
        let key: Curve25519.Signing.PublicKey
        let keyring, license, catalog, config, configSchemas, state: String
        let publicKey, signingInput, signature: String
        let signingInputBytes: [UInt8]
        let signatureBytes: [UInt8]

        init(in dir: String, catalogDirectory: String) throws {
            let privateKey = Curve25519.Signing.PrivateKey()
            key = privateKey.publicKey
            let now = Int64(Date().timeIntervalSince1970)
            let request = LicenseRequest(
                customerID: "K-10023", customerName: "Kanzlei Muster Steuerberatung", product: "datev-connector", features: ["call-notes", "datev-transfer"],
                seats: 25, pbx: PBXBinding(factors: [PBXFactor(kind: "instance-id", value: "SF-4711-0815")]), expires: now + 365 * 86_400, graceDays: 14)
            let issued = try LicenseIssuer(key: .ed25519(privateKey), kid: "bench").sign(try request.claims(serial: "CTI-00001234", issuedAt: now))
            let jws = try CompactJWS(compact: issued.compact)
            signingInputBytes = jws.signingInput
            signatureBytes = jws.signature
            (keyring, license, catalog, config, state) = (dir + "/keyring.jwks", dir + "/license.lic", dir + "/releases.signed", dir + "/user.config", dir + "/state/verifier-state.json")
            (publicKey, signingInput, signature) = (dir + "/pub.pem", dir + "/input.bin", dir + "/sig.bin")
            configSchemas = catalogDirectory.hasPrefix("/") ? catalogDirectory : FileManager.default.currentDirectoryPath + "/" + catalogDirectory
            let catalogJSON = try SafeFile.read(configSchemas + "/datev-connector/releases.json")
            let settings = [("StarfaceHost", "starface.kanzlei.local"), ("XmppPort", "5222"), ("TransferCallsAutomatically", "True"), ("CloseAfterCall", "False")]
            let userConfig = ["<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<configuration>", "    <userSettings>", "        <DatevConnector.Properties.Settings>"]
                + settings.flatMap { ["            <setting name=\"\($0.0)\" serializeAs=\"String\">", "                <value>\($0.1)</value>", "            </setting>"] }
                + ["        </DatevConnector.Properties.Settings>", "    </userSettings>", "</configuration>", ""]
            let files: [(String, [UInt8])] = [
                (keyring, Keyring(keys: [JWK(kid: "bench", key: .ed25519(privateKey.publicKey))]).jsonBytes), (license, Array(issued.text.utf8)),
                (catalog, Array(try SignedCatalog.sign(catalogJSON: catalogJSON, source: "releases.json", key: .ed25519(privateKey), kid: "bench").utf8)),
                (config, Array(userConfig.joined(separator: "\r\n").utf8)), (publicKey, Array(privateKey.publicKey.pemRepresentation.utf8)),
                (signingInput, jws.signingInput), (signature, jws.signature),
            ]
            for (path, bytes) in files { try SafeFile.write(bytes, to: path) }
        }

        /// Writes a request (`ctictl.startup-request/1`) for these inputs; returns its path.
        func request(in dir: String, _ name: String, state withState: Bool, config withConfig: Bool = true) throws -> String {
            var members: [String: JSONValue] = [
                "schema": .string("ctictl.startup-request/1"), "product": .string("datev-connector"), "license": .string(license),
                "keyring": .string(keyring), "catalog": .string(catalog), "clientVersion": .string("2.6"), "moduleVersion": .number(21),
                "pbxVersion": .string("6.7.0.5"), "pbxId": .string("SF-4711-0815"), "datevVersion": .string("10.11"), "activeUsers": .number(12),
            ]
            if withConfig {
                members["config"] = .string(config)
                members["configSchemas"] = .string(configSchemas)
            }
            if withState { members["state"] = .string(state) }
            let path = dir + "/\(name).request.json"
            try SafeFile.write(JSONWriter.pretty(.object(members)), to: path)
            return path
        }
    }

    /// The C entry point of the shipped library, loaded as a client loads it.
    struct CEntry {
        typealias Check = @convention(c) (UnsafePointer<UInt8>?, Int) -> UnsafeMutablePointer<CChar>?
        typealias Free = @convention(c) (UnsafeMutablePointer<CChar>?) -> Void
        let check: Check
        let free: Free

        init(library: String) throws {
            guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else {
                throw CTIFailure(.bench, "dlopen \(library): \(dlerror().map { String(cString: $0) } ?? "failed")")
            }
            guard let check = dlsym(handle, "cti_startup_check"), let free = dlsym(handle, "cti_startup_check_free") else {
                throw CTIFailure(.bench, "\(library) has no cti_startup_check / cti_startup_check_free")
            }
            self.check = unsafeBitCast(check, to: Check.self)
            self.free = unsafeBitCast(free, to: Free.self)
        }

        func call(_ request: [UInt8]) -> String {
            guard let verdict = request.withUnsafeBufferPointer({ check($0.baseAddress, $0.count) }) else { return "" }
            defer { free(verdict) }
            return String(cString: verdict)
        }

        /// One call as a client makes it (the verdict read, then freed); returns its length.
        func callLength(_ request: [UInt8]) -> Int {
            guard let verdict = request.withUnsafeBufferPointer({ check($0.baseAddress, $0.count) }) else { return 0 }
            defer { free(verdict) }
            return strlen(verdict)
        }
    }
}
