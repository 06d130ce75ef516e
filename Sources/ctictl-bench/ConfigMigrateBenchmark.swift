import CTICore
import ConfigHistory
import Foundation

/// `ctictl config migrate --root` (the built binary, a whole process) over N user.config files
/// of the 2.4.4.1 era to 2.6, durably (backup, history, batched syncs), against the Python
/// script scripts/bench/migrate_configs.py (ElementTree; backup, temporary file, fsync, rename
/// per file) over a fresh copy of the same tree, in the same run.
enum ConfigMigrateBenchmark {
    /// A 2.4.4.1-era settings file, as the end-to-end tests' fixtures (UseTapiLine=True).
    static let original = userConfig([("StarfaceHost", "192.168.10.5"), ("TransferCallsAutomatically", "True"), ("UseTapiLine", "True")])

    static func userConfig(_ settings: [(String, String)]) -> [UInt8] {
        var lines = ["<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<configuration>", "    <userSettings>", "        <DatevConnector.Properties.Settings>"]
        for (name, value) in settings {
            lines += ["            <setting name=\"\(name)\" serializeAs=\"String\">", "                <value>\(value)</value>", "            </setting>"]
        }
        lines += ["        </DatevConnector.Properties.Settings>", "    </userSettings>", "</configuration>", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    static func run(count: Int, ctictl: String, catalog: String, script: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ctictl-config-migrate-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for tree in ["ctictl", "python", "files"] { try generate(count: count, root: dir + "/" + tree) }
        // Both trees on the disk before either run: neither pays for the other's writes.
        sync()
        let ours = try BatchBenchmark.seconds {
            let status = ProcessBenchmark.spawn([
                ctictl, "config", "migrate", "--root", dir + "/ctictl", "--product", "datev-connector", "--catalog-dir", catalog,
                "--from", "2.4.4.1", "--to", "2.6", "--history", dir + "/history.sqlite",
            ])
            guard status == 0 else { throw CTIFailure(.bench, "ctictl config migrate exited \(status)") }
        }
        try expectMigrated(count: count, root: dir + "/ctictl")
        let python = try BatchBenchmark.seconds {
            let status = ProcessBenchmark.spawn(["/usr/bin/env", "python3", script, dir + "/python"])
            guard status == 0 else { throw CTIFailure(.bench, "\(script) exited \(status)") }
        }
        try expectMigrated(count: count, root: dir + "/python")
        // What the files alone cost: the same batched writes (chunks of 500, backups, two
        // syncs each, on every core) with no parsing, migration, discovery or history.
        let migrated = userConfig([("StarfaceHost", "192.168.10.5"), ("TransferCallsAutomatically", "True")])
        let files = try BatchBenchmark.seconds {
            for start in stride(from: 0, to: count, by: 500) {
                let chunk = (start..<min(start + 500, count)).map { SafeFile.Replacement(path: path(dir + "/files", user: $0), bytes: migrated) }
                guard try SafeFile.replaceAll(chunk, backups: true, runner: .concurrent).allSatisfy({ $0 == nil }) else { throw CTIFailure(.bench, "a file of the batch failed") }
            }
        }
        try expectMigrated(count: count, root: dir + "/files")
        print("configs: \(count), one directory each, directory \(dir)")
        print(String(format: "ctictl config migrate --root (batched syncs):  %7.3f s  (%.0f µs per file)", ours, ours * 1e6 / Double(count)))
        print(String(format: "python3 ElementTree, fsync per file:           %7.3f s  (%.0f µs per file)", python, python * 1e6 / Double(count)))
        print(String(format: "the files alone (SafeFile.replaceAll, in process): %7.3f s  (%.0f µs per file)", files, files * 1e6 / Double(count)))
        print(String(format: "ratio python / ctictl (target >= 10): %.2f", python / ours))
        print(String(format: "ceiling set by the files alone (python / files alone): %.2f", python / files))
    }

    static func path(_ root: String, user: Int) -> String { "\(root)/Users/user\(user)/AppData/Roaming/DatevConnector/user.config" }

    static func generate(count: Int, root: String) throws {
        for user in 0..<count {
            let file = path(root, user: user)
            try SafeFile.makeDirectory(SafeFile.parentDirectory(of: file))
            guard FileManager.default.createFile(atPath: file, contents: Data(original)) else { throw CTIFailure(.bench, "\(file): cannot be created") }
        }
    }

    /// Every file migrated (no UseTapiLine any more) and its backup the original: the run did the work.
    static func expectMigrated(count: Int, root: String) throws {
        for user in 0..<count {
            let file = path(root, user: user)
            let content = try SafeFile.read(file)
            guard !String(decoding: content, as: UTF8.self).contains("UseTapiLine") else { throw CTIFailure(.bench, "\(file): not migrated") }
            guard try SafeFile.read(file + ".bak") == original else { throw CTIFailure(.bench, "\(file).bak: not the original") }
        }
    }
}
