import CTICore
import Crypto
import Foundation
import Ledger
import Licensing
import Signing

/// Benchmarks with a baseline in the same run, reported as ratios (docs/performance.md).
///
///   ctictl-bench verify [--seconds S]                     in-process verification vs raw Ed25519
///   ctictl-bench process --ctictl PATH [--runs N]         whole `ctictl license verify` vs `openssl pkeyutl -verify`
///   ctictl-bench startup --check PATH --library PATH [--runs N] [--seconds S] [--catalog-dir DIR]
///                                                         the client's startup check: `ctictl-check` vs openssl,
///                                                         `cti_startup_check` in process vs raw Ed25519
///   ctictl-bench config-migrate [--ctictl PATH] [--count N] [--catalog-dir DIR] [--script PY]
///                                                         `ctictl config migrate --root` vs a Python script
///   ctictl-bench doctor [--ctictl PATH] [--users N] [--runs N]  `ctictl doctor --offline` over N users vs config check and cat
///   ctictl-bench pbx-probe [--users N] [--hosts H] [--timeout MS] [--rounds R]
///                                                         doctor's PBX probes with unreachable PBXs vs the probe timeout
///   ctictl-bench log-scan [--megabytes N] [--rounds R] [--catalog-dir DIR]
///                                                         the doctor's log scan vs `cat` of the same files
@main
enum Bench {
    static func main() {
        do {
            try run()
        } catch {
            print("ctictl-bench: \(error)")
            exit(70)
        }
    }

    static func run() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let mode = arguments.first else {
            print("usage: ctictl-bench verify [--seconds S] | batch [--count N] [--rounds R] | process --ctictl PATH [--runs N] | startup --check PATH --library PATH [--runs N] | config-migrate [--ctictl PATH] [--count N] [--catalog-dir DIR] [--script PY] | doctor [--users N] [--runs N] | pbx-probe [--users N] [--hosts H] [--timeout MS] [--rounds R] | log-scan [--megabytes N] [--rounds R] [--catalog-dir DIR]")
            exit(64)
        }
        func option(_ name: String) -> String? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
            return arguments[index + 1]
        }
        switch mode {
        case "verify":
            try InProcessBenchmark.run(seconds: Double(option("--seconds") ?? "3") ?? 3)
        case "batch":
            try BatchBenchmark.run(count: Int(option("--count") ?? "10000") ?? 10000, rounds: Int(option("--rounds") ?? "5") ?? 5)
        case "process":
            guard let ctictl = option("--ctictl") else {
                print("process: --ctictl PATH is required")
                exit(64)
            }
            try ProcessBenchmark.run(ctictl: ctictl, runs: Int(option("--runs") ?? "200") ?? 200)
        case "startup":
            guard let check = option("--check"), let library = option("--library") else {
                print("startup: --check PATH (ctictl-check) and --library PATH (libCTIStartupCheck.so) are required")
                exit(64)
            }
            try StartupBenchmark.run(
                check: check, library: library, catalogDirectory: option("--catalog-dir") ?? "config-schemas",
                runs: Int(option("--runs") ?? "200") ?? 200, seconds: Double(option("--seconds") ?? "6") ?? 6)
        case "config-migrate":
            // By default the ctictl built beside this benchmark.
            let ctictl = option("--ctictl") ?? SafeFile.parentDirectory(of: CommandLine.arguments[0]) + "/ctictl"
            try ConfigMigrateBenchmark.run(
                count: Int(option("--count") ?? "10000") ?? 10000, ctictl: ctictl, catalog: option("--catalog-dir") ?? "config-schemas",
                script: option("--script") ?? "scripts/bench/migrate_configs.py")
        case "doctor":
            try DoctorBenchmark.run(
                users: Int(option("--users") ?? "50") ?? 50, runs: Int(option("--runs") ?? "20") ?? 20,
                ctictl: option("--ctictl") ?? SafeFile.parentDirectory(of: CommandLine.arguments[0]) + "/ctictl", catalog: option("--catalog-dir") ?? "config-schemas")
        case "pbx-probe":
            try PBXProbeBenchmark.run(
                users: Int(option("--users") ?? "50") ?? 50, hosts: Int(option("--hosts") ?? "1") ?? 1,
                timeoutMilliseconds: Int(option("--timeout") ?? "2000") ?? 2000, rounds: Int(option("--rounds") ?? "5") ?? 5)
        case "log-scan":
            try LogScanBenchmark.run(
                megabytes: Int(option("--megabytes") ?? "1024") ?? 1024, rounds: Int(option("--rounds") ?? "3") ?? 3,
                configSchemas: option("--catalog-dir") ?? "config-schemas")
        default:
            print("unknown mode \(mode)")
            exit(64)
        }
    }
}

/// Measures a closure's rate over a fixed wall-clock budget, after a warm-up.
func rate(seconds: Double, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<200 { try body() }
    var iterations = 0
    let start = DispatchTime.now().uptimeNanoseconds
    let budget = UInt64(seconds * 1e9)
    var elapsed: UInt64 = 0
    repeat {
        for _ in 0..<100 { try body() }
        iterations += 100
        elapsed = DispatchTime.now().uptimeNanoseconds - start
    } while elapsed < budget
    return Double(iterations) / (Double(elapsed) / 1e9)
}

enum InProcessBenchmark {
    static func run(seconds: Double) throws {
        let privateKey = Curve25519.Signing.PrivateKey()
        let jwk = JWK(kid: "bench", key: .ed25519(privateKey.publicKey))
        let keyring = Keyring(keys: [jwk])
        let issuer = LicenseIssuer(key: .ed25519(privateKey), kid: "bench")
        let now = Int64(Date().timeIntervalSince1970)
        let request = LicenseRequest(
            customerID: "K-10023", customerName: "Kanzlei Muster Steuerberatung", product: "datev-connector", features: ["call-notes", "datev-transfer"],
            seats: 25, pbx: PBXBinding(factors: [PBXFactor(kind: "instance-id", value: "SF-4711-0815")]), expires: now + 365 * 86_400,
            maintenanceUntil: CivilDate(secondsSince1970: now + 365 * 86_400), graceDays: 14, orderID: "ORD-2026-0001")
        let license = try issuer.sign(try request.claims(serial: "CTI-00001234", issuedAt: now))
        let text = Array(license.text.utf8)
        let verifier = LicenseVerifier(keyring: keyring)
        let context = VerificationContext(now: now + 86_400, product: "datev-connector", pbxFactors: [PBXFactor(kind: "instance-id", value: "SF-4711-0815")])
        guard try verifier.verify(text, in: context).status == .valid else { throw CTIFailure(.bench, "license not valid") }

        let jws = try CompactJWS(compact: license.compact)
        let signingInput = jws.signingInput
        let signature = jws.signature
        let publicKey = privateKey.publicKey
        guard publicKey.isValidSignature(signature, for: signingInput) else { throw CTIFailure(.bench, "raw verify failed") }

        var sink = 0
        // Interleave rounds so that frequency drift hits both sides alike.
        var raw: [Double] = []
        var full: [Double] = []
        for _ in 0..<5 {
            raw.append(rate(seconds: seconds / 10) { if publicKey.isValidSignature(signature, for: signingInput) { sink += 1 } })
            full.append(try rate(seconds: seconds / 10) { if try verifier.verify(text, in: context).status == .valid { sink += 1 } })
        }
        let rawRate = raw.sorted()[2]
        let fullRate = full.sorted()[2]
        print("license text: \(text.count) bytes, signing input \(signingInput.count) bytes")
        print(String(format: "raw swift-crypto Ed25519 verify:        %9.0f /s  (%.1f µs)", rawRate, 1e6 / rawRate))
        print(String(format: "ctictl verify (text→armor→JWS→policies): %9.0f /s  (%.1f µs)", fullRate, 1e6 / fullRate))
        print(String(format: "ratio (target >= 0.85): %.3f  (median of 5 interleaved rounds each)", fullRate / rawRate))
        // Where the difference goes: each step alone.
        let armored = try LicenseFormat.armor.read(text)
        let steps: [(String, () throws -> Void)] = [
            ("armor read", { sink += try LicenseFormat.armor.read(text).compact.utf8.count }),
            ("JWS parse (base64url, header JSON)", { sink += try CompactJWS(compact: armored.compact).payload.count }),
            ("claims JSON", { sink += try LicenseFormat.claims(of: jws).cti.seats }),
        ]
        for (name, step) in steps {
            let stepRate = try rate(seconds: seconds / 10, step)
            print("  " + name.padding(toLength: 36, withPad: " ", startingAt: 0) + String(format: "%6.2f µs", 1e6 / stepRate))
        }
        if sink == 0 { print("") }
    }
}

/// A batch of orders issued into a fresh ledger (durably committed) with every file written
/// and flushed, against raw Ed25519 signing of the same signing inputs.
enum BatchBenchmark {
    /// Rounds of: raw signing on one core and on every core, then the batch into a fresh
    /// ledger and directory, then the same files written alone (the file system's share).
    /// Medians over the rounds, because this VM's timings move by ±15 % from run to run.
    static func run(count: Int, rounds: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ctictl-batch-\(getpid())").path
        // Removed only at the end: deleting thousands of files slows the next creations on
        // some file systems (see docs/performance.md), which would skew later rounds.
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = Curve25519.Signing.PrivateKey()
        let issuer = LicenseIssuer(key: .ed25519(key), kid: "bench")
        let now = Int64(Date().timeIntervalSince1970)
        let requests = (0..<count).map { index in
            LicenseRequest(
                customerID: "K-\(10_000 + index)", customerName: "Kunde \(index)", product: "datev-connector", features: ["call-notes"],
                seats: 1 + index % 50, pbx: PBXBinding(factors: [PBXFactor(kind: "instance-id", value: "SF-\(index)")]),
                expires: now + 365 * 86_400, orderID: "ORD-\(index)")
        }
        // Baseline: the same claims, already encoded, signed by raw swift-crypto.
        let inputs = try requests.enumerated().map { index, request in
            let claims = try request.claims(serial: LicenseLedgerSerial.format(index + 1), issuedAt: now)
            let header = Base64URL.encode(CanonicalJSON.compact(JOSEHeader(alg: "EdDSA", kid: "bench", typ: LicenseFormat.type)))
            return Array((header + "." + Base64URL.encode(CanonicalJSON.compact(claims))).utf8)
        }
        var raw: [Double] = [], parallel: [Double] = [], batch: [Double] = [], filesAlone: [Double] = [], cpuPerLicense: [Double] = []
        var sink = 0
        for round in 1...max(rounds, 1) {
            raw.append(try seconds { for input in inputs { sink += try key.signature(for: input).count } })
            parallel.append(seconds { DispatchQueue.concurrentPerform(iterations: inputs.count) { index in _ = try? key.signature(for: inputs[index]) } })

            let roundDir = dir + "/round-\(round)"
            try SafeFile.makeDirectory(roundDir + "/out")
            let ledger = try LicenseLedger(path: roundDir + "/ledger.sqlite", mode: .createIfMissing)
            let files = LicenseFiles.Writer(directory: roundDir + "/out")
            let cpuStart = processCPUSeconds()
            var results: [Result<IssueOutcome, CTIFailure>] = []
            batch.append(try seconds {
                results = try ledger.issueBatch(requests, with: issuer, now: now, committed: files.enqueue)
                try files.finish()
            })
            let cpu = processCPUSeconds() - cpuStart
            cpuPerLicense.append((cpu.user + cpu.system) * 1e6 / Double(count))
            let entries = try results.map { result -> LedgerEntry in
                guard let outcome = try? result.get(), outcome.isNew else { throw CTIFailure(.bench, "a row failed") }
                return outcome.entry
            }

            // The same files again, into another fresh directory, by one thread (as the batch
            // writes them), with nothing else running: what the file system alone costs.
            let texts = try entries.map { entry -> [UInt8] in
                guard let license = entry.license else { throw CTIFailure(.bench, "no license") }
                return license.textBytes
            }
            try SafeFile.makeDirectory(roundDir + "/alone")
            filesAlone.append(try seconds {
                for (entry, text) in zip(entries, texts) { try SafeFile.writeNew(text, to: LicenseFiles.path(of: entry, in: roundDir + "/alone")) }
                try SafeFile.syncFilesystem(containing: roundDir + "/alone")
            })
        }
        let ratios = zip(raw, batch).map { $0 / $1 }
        print("orders: \(count) × \(raw.count) rounds, \(ProcessInfo.processInfo.activeProcessorCount) cores, directory \(dir)")
        print("                                                   median rate   median time  (min-max)")
        func line(_ label: String, _ times: [Double]) {
            print(label.padding(toLength: 50, withPad: " ", startingAt: 0)
                + String(format: "%8.0f /s   %6.3f s  (%.3f-%.3f)", Double(count) / median(times), median(times), times.min() ?? 0, times.max() ?? 0))
        }
        line("raw swift-crypto Ed25519 signing, one core", raw)
        line("raw swift-crypto Ed25519 signing, every core", parallel)
        line("ctictl batch (ledger committed, files synced)", batch)
        line("the same files alone (one thread, synced)", filesAlone)
        print(String(format: "CPU per license in the batch: %.1f µs (median)", median(cpuPerLicense)))
        print(String(format: "ratio batch / raw one core (target >= 0.5): %.3f  (rounds: %@)", median(ratios), ratios.map { String(format: "%.3f", $0) }.joined(separator: " ")))
        print(String(format: "ratio batch / raw every core:               %.3f", median(parallel) / median(batch)))
        print(String(format: "ceiling set by the files alone (raw one core / files alone): %.3f", median(raw) / median(filesAlone)))
        try stageBreakdown(requests, issuer: issuer, now: now, directory: dir + "/stages")
        if sink == 0 { print("") }
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Where a license's CPU time goes: each stage alone, on one core, per license.
    static func stageBreakdown(_ requests: [LicenseRequest], issuer: LicenseIssuer, now: Int64, directory: String) throws {
        try SafeFile.makeDirectory(directory)
        func time<T>(_ label: String, _ body: () throws -> [T]) rethrows -> [T] {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try body()
            let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(max(requests.count, 1))
            print("  " + label.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%6.1f µs", micros))
            return result
        }
        print("per license, one core, each stage alone:")
        let claims = try time("claims (build and check)") { try requests.enumerated().map { try $1.claims(serial: LicenseLedgerSerial.format($0 + 1), issuedAt: now) } }
        _ = time("claims JSON") { claims.map(\.jsonBytes) }
        let signed = try time("claims JSON + sign (issuer)") { try claims.map { try issuer.signKeepingPayload($0).license } }
        _ = time("request JSON") { requests.map(\.jsonBytes) }
        _ = time("token SHA-256 (audit)") { signed.map { SHA256.hash(data: Array($0.compact.utf8)) } }
        let texts = time("license file text") { signed.map(\.textBytes) }
        let ledger = try LicenseLedger(path: directory + "/ledger.sqlite", mode: .createIfMissing)
        let cpuStart = processCPUSeconds()
        let wall = try seconds { _ = try ledger.issueBatch(requests, with: issuer, now: now) }
        let cpu = processCPUSeconds() - cpuStart
        let perLicense = 1e6 / Double(max(requests.count, 1))
        print(String(format: "  ledger alone (no files), all cores %6.1f µs wall, CPU %.1f µs user %.1f µs system", wall * perLicense, cpu.user * perLicense, cpu.system * perLicense))
        _ = try time("file write (temp + rename)") {
            try texts.enumerated().map { try SafeFile.write($1, to: directory + "/\($0).lic", durable: false) }
        }
        _ = try time("file write (O_TMPFILE + link)") {
            try texts.enumerated().map { try SafeFile.writeNew($1, to: directory + "/new-\($0).lic") }
        }
    }
}

/// User and system CPU time of this process so far.
func processCPUSeconds() -> (user: Double, system: Double) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return (seconds(usage.ru_utime), seconds(usage.ru_stime))
}

func - (lhs: (user: Double, system: Double), rhs: (user: Double, system: Double)) -> (user: Double, system: Double) {
    (lhs.user - rhs.user, lhs.system - rhs.system)
}

enum LicenseLedgerSerial {
    static func format(_ number: Int) -> String { LicenseLedger.serial(forRowID: Int64(number)) }
}

enum ProcessBenchmark {
    static func run(ctictl: String, runs: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ctictl-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let privateKey = Curve25519.Signing.PrivateKey()
        let keyring = Keyring(keys: [JWK(kid: "bench", key: .ed25519(privateKey.publicKey))])
        let now = Int64(Date().timeIntervalSince1970)
        let request = LicenseRequest(customerID: "K-10023", product: "datev-connector", features: ["call-notes"], seats: 25, expires: now + 365 * 86_400)
        let license = try LicenseIssuer(key: .ed25519(privateKey), kid: "bench").sign(try request.claims(serial: "CTI-00001234", issuedAt: now))
        let jws = try CompactJWS(compact: license.compact)
        let paths = (
            license: dir.appendingPathComponent("a.lic").path, keyring: dir.appendingPathComponent("k.jwks").path,
            pub: dir.appendingPathComponent("pub.pem").path, input: dir.appendingPathComponent("input.bin").path,
            sig: dir.appendingPathComponent("sig.bin").path)
        try SafeFile.write(Array(license.text.utf8), to: paths.license)
        try SafeFile.write(keyring.jsonBytes, to: paths.keyring)
        try SafeFile.write(Array(privateKey.publicKey.pemRepresentation.utf8), to: paths.pub)
        try SafeFile.write(jws.signingInput, to: paths.input)
        try SafeFile.write(jws.signature, to: paths.sig)

        let ours = [ctictl, "license", "verify", paths.license, "--keyring", paths.keyring, "--product", "datev-connector"]
        let openssl = ["/usr/bin/openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths.pub, "-rawin", "-in", paths.input, "-sigfile", paths.sig]
        guard spawn(ours) == 0 else { throw CTIFailure(.bench, "ctictl verify failed") }
        guard spawn(openssl) == 0 else { throw CTIFailure(.bench, "openssl verify failed") }
        for _ in 0..<10 {
            _ = spawn(ours)
            _ = spawn(openssl)
        }
        var oursTimes: [Double] = []
        var opensslTimes: [Double] = []
        var ratios: [Double] = []
        for _ in 0..<runs {
            let a = time { _ = spawn(ours) }
            let b = time { _ = spawn(openssl) }
            oursTimes.append(a)
            opensslTimes.append(b)
            ratios.append(a / b)
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print("runs: \(runs) each, interleaved")
        print(String(format: "ctictl license verify:    median %.2f ms", median(oursTimes) * 1e3))
        print(String(format: "openssl pkeyutl -verify:  median %.2f ms", median(opensslTimes) * 1e3))
        print(String(format: "median of per-pair ratios ctictl/openssl (target <= 1.0): %.3f", median(ratios)))
    }

    static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// posix_spawn with output to /dev/null; returns the exit status.
    static func spawn(_ arguments: [String]) -> Int32 {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (status >> 8) & 0xFF
    }
}
