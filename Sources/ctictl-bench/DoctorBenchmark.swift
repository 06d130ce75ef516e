import CTICore
import Foundation

/// A whole `ctictl doctor --offline` (the built binary) over a profile tree of N users, each
/// with a user.config and client logs, against `ctictl config check --root` over the same tree
/// (the part of the work every config tool does) and `cat` of every file (reading alone), in
/// the same run. Target (issue): the doctor run within 150 ms for 50 users.
enum DoctorBenchmark {
    static func run(users: Int, runs: Int, ctictl: String, catalog: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ctictl-doctor-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try generate(users: users, root: dir + "/Users")
        let inputs = try vendorInputs(in: dir, ctictl: ctictl)
        let doctor = [ctictl, "doctor", "--product", "datev-connector", "--catalog-dir", catalog, "--root", dir + "/Users", "--offline",
                      "--client-version", "2.6", "--pbx-version", "6.7.0.5", "--pbx-id", "PBX-1", "--allow-development-keys",
                      "--history", dir + "/history.sqlite"] + inputs
        let configCheck = [ctictl, "config", "check", "--root", dir + "/Users", "--product", "datev-connector", "--catalog-dir", catalog, "--version", "2.6"]
        let cat = ["/bin/cat"] + files
        var times: [String: [Double]] = [:]
        // Interleaved, after one warm-up each, so neither pays for a cold cache the other warmed.
        for round in 0...runs {
            for (name, command) in [("doctor", doctor), ("config check", configCheck), ("cat", cat)] {
                let seconds = BatchBenchmark.seconds { _ = ProcessBenchmark.spawn(command) }
                if round > 0 { times[name, default: []].append(seconds) }
            }
        }
        let status = ProcessBenchmark.spawn(doctor)
        guard status == 1 || status == 2 || status == 0 else { throw CTIFailure(.bench, "ctictl doctor exited \(status)") }
        let median = { (name: String) in BatchBenchmark.median(times[name] ?? []) * 1e3 }
        print("users: \(users), files: \(files.count) (\(try totalBytes(files) / 1024) KiB), runs: \(runs) each, interleaved")
        print(String(format: "ctictl doctor --offline:   median %7.2f ms  (target <= 150)", median("doctor")))
        print(String(format: "ctictl config check --root: median %7.2f ms", median("config check")))
        print(String(format: "cat of every file:          median %7.2f ms", median("cat")))
        print(String(format: "ratio doctor / config check: %.2f", median("doctor") / median("config check")))
    }

    /// A license and a signed catalog made with the development key, as a vendor would.
    static func vendorInputs(in dir: String, ctictl: String) throws -> [String] {
        // A copy with mode 0600: a fresh clone has the development key as 0644, which ctictl refuses.
        let key = dir + "/keys/development-ed25519.pem"
        try FileManager.default.createDirectory(atPath: dir + "/keys", withIntermediateDirectories: true)
        for name in ["development-ed25519.pem", "development.jwks"] { try FileManager.default.copyItem(atPath: "keys/" + name, toPath: dir + "/keys/" + name) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        for command in [
            [ctictl, "catalog", "sign", "--product", "datev-connector", "--key", key, "--out", dir + "/catalog.sig"],
            [ctictl, "license", "issue", "--key", key, "--product", "datev-connector", "--customer", "K-1", "--seats", "60", "--pbx-id", "PBX-1",
             "--ledger", dir + "/ledger.sqlite", "--out", dir + "/license.lic"],
        ] where ProcessBenchmark.spawn(command) != 0 {
            throw CTIFailure(.bench, "\(command[1]) \(command[2]) failed (run from the repository root)")
        }
        return ["--license", dir + "/license.lic", "--keyring", "keys/development.jwks", "--catalog", dir + "/catalog.sig"]
    }

    /// Every user: a 2.6 config (every fifth with a stale UseTapiLine) and three days of logs.
    static func generate(users: Int, root: String) throws -> [String] {
        var files: [String] = []
        for user in 0..<users {
            let home = "\(root)/user\(user)/AppData/Roaming/DatevConnector"
            try FileManager.default.createDirectory(atPath: home + "/logs", withIntermediateDirectories: true)
            var settings = [("StarfaceHost", "192.168.10.5"), ("XmppPort", "5222"), ("TransferCallsAutomatically", "True")]
            if user % 5 == 0 { settings.append(("UseTapiLine", "True")) }
            let config = home + "/user.config"
            try Data(ConfigMigrateBenchmark.userConfig(settings)).write(to: URL(fileURLWithPath: config))
            files.append(config)
            for day in 1...3 {
                let log = home + "/logs/DatevConnector-2026-11-0\(day).log"
                try Data(logText(day: day, lines: 1_500).utf8).write(to: URL(fileURLWithPath: log))
                files.append(log)
            }
        }
        return files
    }

    static func logText(day: Int, lines: Int) -> String {
        var text = ""
        for line in 0..<lines {
            let time = String(format: "2026-11-0%d %02d:%02d:%02d,%03d", day, 8 + line / 3600 % 10, line / 60 % 60, line % 60, line % 1000)
            switch line % 500 {
            case 499: text += "\(time) ERROR Registering Buddy failed: 262631\r\n"
            default: text += "\(time) INFO  Anruf von 0891234567\(line % 10) an Nebenstelle \(line % 90 + 10) signalisiert, Kontakt in DATEV gesucht\r\n"
            }
        }
        return text
    }

    static func totalBytes(_ files: [String]) throws -> Int {
        try files.reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    }
}
