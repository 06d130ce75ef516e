import Foundation
import Testing

/// `config migrate --root` killed with SIGKILL at random points: afterwards every file is
/// either the original or the fully migrated one, every backup that exists is the complete
/// original, and a rerun finishes the job.
@Suite struct ConfigMigrateCrashTests {
    let tmp: TemporaryDirectory
    let schemas = CLI.packageRoot.appendingPathComponent("config-schemas").path
    static let users = 400
    static let original = Data(ConfigMigrateCLITests.old.utf8)
    static let migrated = Data(ConfigMigrateCLITests.migrated.utf8)

    init() throws { tmp = try TemporaryDirectory("config-crash") }

    func path(_ user: Int) -> String { tmp.path("root/Users/user\(user)/AppData/Roaming/DatevConnector/user.config") }

    var arguments: [String] {
        ["config", "migrate", "--root", tmp.path("root"), "--product", "datev-connector", "--catalog-dir", schemas, "--to", "2.6",
         "--from", "2.4.4.1", "--history", tmp.path("history.sqlite")]
    }

    /// Every file original or migrated, every backup the original: what a crash may leave.
    func expectEachFileWhole(after round: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        var migrated = 0
        for user in 0..<Self.users {
            let content = try Data(contentsOf: URL(fileURLWithPath: path(user)))
            #expect(content == Self.original || content == Self.migrated, "round \(round): \(path(user)) is neither", sourceLocation: sourceLocation)
            if content == Self.migrated { migrated += 1 }
            if let backup = FileManager.default.contents(atPath: path(user) + ".bak") {
                #expect(backup == Self.original, "round \(round): \(path(user)).bak is not the original", sourceLocation: sourceLocation)
            }
        }
        return migrated
    }

    @Test func killedAtRandomPointsEveryFileIsOriginalOrMigrated() throws {
        for user in 0..<Self.users {
            try FileManager.default.createDirectory(atPath: (path(user) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Self.original.write(to: URL(fileURLWithPath: path(user)))
        }
        // The same kill points on every run (a failure can be repeated).
        let delays: [useconds_t] = [40_000, 90_000, 150_000, 220_000, 300_000, 120_000]
        var killed = 0
        for (round, delay) in delays.enumerated() {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLI.executable)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(delay)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
            let done = try expectEachFileWhole(after: round)
            print("crash round \(round): killed after \(delay / 1000) ms, \(done) of \(Self.users) migrated")
        }
        // At least one run must really have been cut short, or the test showed nothing.
        #expect(killed > 0, "every run finished before its kill: make the tree larger")
        let finish = try CLI.run(arguments)
        #expect(finish.status == 0, "\(finish.stdout)\(finish.stderr)")
        #expect(try expectEachFileWhole(after: delays.count) == Self.users)
        // No temporary file of a killed run is left beside the configs (a rerun cleans them).
        let leftovers = FileManager.default.enumerator(atPath: tmp.path("root"))?.compactMap { $0 as? String }.filter { $0.contains("ctictl-tmp") } ?? []
        #expect(leftovers.isEmpty, "\(leftovers.prefix(5))")
    }
}
