import Foundation
import Testing

/// Runs the built `ctictl` as a user would: a separate process, arguments, exit status.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The package root (where Package.swift is).
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The `ctictl` next to the test bundle (`swift test` builds it), or $CTICTL_BIN.
    static let executable: String = {
        if let explicit = ProcessInfo.processInfo.environment["CTICTL_BIN"] { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for _ in 0..<4 {
            directory.deleteLastPathComponent()
            let candidate = directory.appendingPathComponent("ctictl").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/ctictl").path
    }()

    /// A HOME for the commands the tests run, so they never touch the real one. One per test
    /// process, removed when it exits; the homes of runs that were killed first go at the
    /// next run.
    static let scratchHome: String = {
        let prefix = "ctictl-test-home-"
        let temporary = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix(prefix) {
            if let pid = Int32(name.dropFirst(prefix.count)), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
            }
        }
        let path = temporary.appendingPathComponent(prefix + String(ProcessInfo.processInfo.processIdentifier)).path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: CLI.scratchHome) }
        return path
    }()

    /// The repository's development signing key, copied into `directory`/keys with mode 0600
    /// (a fresh clone has it as 0644, git keeps no other mode, and ctictl rightly refuses
    /// that), beside the keyring that publishes it.
    static func developmentKey(in directory: TemporaryDirectory, algorithm: String = "ed25519") throws -> String {
        let keys = directory.path("keys")
        let copy = keys + "/development-\(algorithm).pem"
        if !FileManager.default.fileExists(atPath: copy) {
            try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
            for name in ["development-\(algorithm).pem", "development.jwks"] where !FileManager.default.fileExists(atPath: keys + "/" + name) {
                try FileManager.default.copyItem(atPath: packageRoot.appendingPathComponent("keys/" + name).path, toPath: keys + "/" + name)
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copy)
        }
        return copy
    }

    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], in directory: URL? = nil) throws -> Result {
        try Process.runCapturing(executable, arguments, stdin: stdin, environment: environment, in: directory)
    }
}

extension Process {
    /// Runs a program to completion, capturing its output (read concurrently, so a chatty
    /// program never blocks on a full pipe).
    static func runCapturing(
        _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], in directory: URL? = nil
    ) throws -> CLI.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CTICTL_LEDGER"] = nil
        env["CTICTL_KEYRING"] = nil
        env["CTICTL_PASSPHRASE"] = nil
        // Never the user's own ledger: a command without --ledger uses one under this HOME.
        env["HOME"] = CLI.scratchHome
        env["XDG_DATA_HOME"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let collector = OutputCollector()
        let group = DispatchGroup()
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collector.set(data, isOut: isOut)
                group.leave()
            }
        }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return CLI.Result(
            status: process.terminationStatus, stdout: String(decoding: collector.out, as: UTF8.self),
            stderr: String(decoding: collector.err, as: UTF8.self))
    }
}

private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var out = Data()
    private(set) var err = Data()

    func set(_ data: Data, isOut: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isOut { out = data } else { err = data }
    }
}
