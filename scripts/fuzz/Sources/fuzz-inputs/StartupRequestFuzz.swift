import CTICore
import Foundation
import Licensing
import ReleaseCatalog
import Signing
import StartupCheckRunner

/// The `startup-request` target: bytes into the C entry point's work (`StartupRun.verdictJSON`:
/// all `cti_startup_check` does but copy the result into malloc'd memory), and the verdict
/// checked: always a JSON verdict (`ctictl.startup-check/1`), never an internal error (70),
/// its word and exit status agreeing. A request reads files, so the harness lets through only requests whose every path
/// lies in `directory` (a copy of the inputs the seeds name, made at start), whose product is a
/// plain name (it names a folder of the config schemas), and whose state is inline text: a
/// state path would be written, and the fuzzer must write nothing.
enum StartupRequestFuzz {
    static let directory = repository.appendingPathComponent(".build-fuzz/startup-request-inputs").path

    /// Writes the inputs the seeds name; the config schemas are found there too (a request
    /// with a config but no "configSchemas" would look beside the working directory).
    static func prepare() {
        do {
            try? FileManager.default.removeItem(atPath: directory)
            try SafeFile.makeDirectory(directory)
            try FileManager.default.copyItem(atPath: repository.appendingPathComponent("config-schemas").path, toPath: directory + "/config-schemas")
            let files: [(String, [UInt8])] = [
                ("license.lic", repositoryFile("docs/test-vectors/ed25519.lic")),
                ("expired.lic", repositoryFile("docs/test-vectors/reject-expired.lic")),
                ("keyring.jwks", repositoryFile("docs/test-vectors/keyring.jwks")),
                ("releases.signed", Array(try SignedCatalog.sign(
                    catalogJSON: repositoryFile("config-schemas/datev-connector/releases.json"), source: "releases.json", key: signingKey, kid: signingKid).utf8)),
                ("revocations.txt", Array(try RevocationListFormat.sign(
                    RevocationListClaims(iss: "fuzz", iat: testVectorInstant, seq: 4, revoked: [RevocationEntry(jti: "CTI-00000009", revokedAt: testVectorInstant, reason: "refund")]),
                    key: signingKey, kid: signingKid).utf8)),
                ("clean.user.config", Array(userConfig(["StarfaceHost": "192.168.10.5"]).utf8)),
                ("tapi.user.config", Array(userConfig(["StarfaceHost": "192.168.10.5", "UseTapiLine": "True"]).utf8)),
            ]
            for (name, bytes) in files { try SafeFile.write(bytes, to: directory + "/" + name) }
        } catch {
            fail("cannot write the startup-request inputs to \(directory): \(error)")
        }
        setenv("CTICTL_CONFIG_SCHEMAS", directory + "/config-schemas", 1)
        // One run before the first input: what the first call caches for the life of the
        // process is then not taken for a leak of an input.
        for (_, seed) in seeds() { check(seed) }
    }

    static func check(_ bytes: [UInt8]) {
        if let invocation = try? StartupInvocation(json: bytes, source: "fuzz", base: nil), !staysInside(invocation) { return }
        let json = StartupRun.verdictJSON(request: bytes)
        let request = String(decoding: bytes, as: UTF8.self).debugDescription
        guard case .object(let members)? = try? JSONParser.parse(json) else { fail("the verdict for \(request) is not a JSON object") }
        require(members["schema"] == .string("ctictl.startup-check/1"), "the verdict for \(request) has no schema")
        let status = members["exitStatus"].flatMap { value -> Int? in if case .number(let n) = value { return Int(n) } else { return nil } }
        let expected: [String: Set<Int>] = ["start": [0], "start-with-warnings": [2], "do-not-start": [1, 64, 65]]
        guard let word = members["verdict"]?.stringValue, let allowed = expected[word], let status, allowed.contains(status) else {
            fail("verdict \(String(describing: members["verdict"])) with exit status \(String(describing: status)) for \(request): \(String(decoding: json, as: UTF8.self))")
        }
    }

    /// Whether the request reads only files in `directory` and writes none.
    static func staysInside(_ invocation: StartupInvocation) -> Bool {
        func inside(_ path: String) -> Bool {
            path.hasPrefix(directory + "/") && !path.split(separator: "/").contains("..")
        }
        func document(_ value: JSONValue) -> Bool {
            guard case .object(let reference) = value else { return false }
            return reference["path"].map { $0.stringValue.map(inside) ?? false } ?? true
        }
        for (name, value) in invocation.members {
            switch (name, value) {
            case ("state", .object(let reference)) where reference["path"] != nil: return false
            case ("endorsements", .array(let items)) where !items.allSatisfy(document): return false
            case ("configSchemas", .string(let path)) where !inside(path): return false
            case ("product", .string(let product)) where product.isEmpty || !product.utf8.allSatisfy(isPlainNameByte): return false
            case (_, .object) where !document(value): return false
            default: continue
            }
        }
        return true
    }

    static func isPlainNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
    }

    /// Valid requests: every input by path, every input inline, with revocations and an
    /// endorsement, an expired license, and the least a request can be.
    static func seeds() -> [(String, [UInt8])] {
        func path(_ name: String) -> JSONValue { .string(directory + "/" + name) }
        func text(_ bytes: [UInt8]) -> JSONValue { .object(["text": .string(String(decoding: bytes, as: UTF8.self))]) }
        let base: [String: JSONValue] = [
            "schema": .string("ctictl.startup-request/1"), "product": .string("datev-connector"), "clientVersion": .string("2.6"),
            "moduleVersion": .number(21), "pbxVersion": .string("6.7.0.5"), "pbxId": .string("SF-4711"), "datevVersion": .string("10.11"),
            "activeUsers": .number(5), "allowDevelopmentKeys": .bool(true), "at": .string("2027-06-01T00:00:00Z"),
            "keyring": path("keyring.jwks"), "catalog": path("releases.signed"),
        ]
        let endorsement = try? KeyEndorsementFormat.sign(
            JWK(kid: "fuzz-endorsed", key: PrivateSigningKey.generate(.es256).publicKey), by: signingKey, kid: signingKid, now: testVectorInstant)
        let endorsements: [JSONValue] = endorsement.map { [.object(["text": .string($0)])] } ?? []
        let requests: [(String, [String: JSONValue])] = [
            ("paths", ["license": path("license.lic"), "config": path("clean.user.config"), "configSchemas": path("config-schemas")]),
            ("inline", [
                "license": text(repositoryFile("docs/test-vectors/ed25519.lic")), "keyring": text(repositoryFile("docs/test-vectors/keyring.jwks")),
                "config": text(Array(userConfig(["StarfaceHost": "h", "UseTapiLine": "True"]).utf8)),
                "state": text(VerifierState(highWaterMark: testVectorInstant - 86_400, revocationSequence: 3).jsonBytes),
            ]),
            ("revocations", ["license": path("license.lic"), "revocations": path("revocations.txt"),
                             "endorsements": .array(endorsements)]),
            ("expired", ["license": path("expired.lic"), "pbxVersion": .string("9.0")]),
            ("least", ["keyring": .null, "catalog": .null]),
        ]
        return requests.map { name, changes in
            ("\(name).json", JSONWriter.pretty(.object(base.merging(changes) { $1 }.filter { $0.value != .null })))
        }
    }

    static func userConfig(_ settings: [String: String]) -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<configuration>", "  <userSettings>", "    <DatevConnector.Properties.Settings>"]
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            lines += ["      <setting name=\"\(name)\" serializeAs=\"String\">", "        <value>\(value)</value>", "      </setting>"]
        }
        lines += ["    </DatevConnector.Properties.Settings>", "  </userSettings>", "</configuration>", ""]
        return lines.joined(separator: "\r\n")
    }
}
