import Foundation
import Testing

/// `config migrate --root` killed with SIGKILL inside each step of its batched write
/// (SafeFile.replaceAll, docs/config.md), found by watching the first user's directory rather
/// than by timing: while the temporary files are written, once the backups are renamed into
/// place, once the new files are. Each time every file is original or migrated, every backup
/// the complete original, and a rerun finishes with no temporary file left.
@Suite struct ConfigMigrateBatchCrashTests {
    enum Step: String, CaseIterable, Sendable {
        case temporariesWritten, backupsRenamed, newFilesRenamed
    }

    @Test(arguments: Step.allCases) func killedInAStepEveryFileIsOriginalOrMigrated(_ step: Step) throws {
        let crash = try ConfigMigrateCrashTests()
        for user in 0..<ConfigMigrateCrashTests.users {
            try FileManager.default.createDirectory(atPath: (crash.path(user) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try ConfigMigrateCrashTests.original.write(to: URL(fileURLWithPath: crash.path(user)))
        }
        let first = crash.path(0)
        let directory = (first as NSString).deletingLastPathComponent
        let reached: () -> Bool = {
            switch step {
            case .temporariesWritten: (try? FileManager.default.contentsOfDirectory(atPath: directory))?.contains { $0.contains("ctictl-tmp") } ?? false
            case .backupsRenamed: FileManager.default.fileExists(atPath: first + ".bak")
            case .newFilesRenamed: FileManager.default.contents(atPath: first) == ConfigMigrateCrashTests.migrated
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = crash.arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning && !reached() { usleep(100) }
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let done = try crash.expectEachFileWhole(after: 0)
        print("batch crash at \(step.rawValue): killed \(killed), \(done) of \(ConfigMigrateCrashTests.users) migrated")
        // The step must really have been reached with the run still going, or this showed nothing.
        #expect(killed, "the run finished before \(step.rawValue) was seen")

        let finish = try CLI.run(crash.arguments)
        #expect(finish.status == 0, "\(finish.stdout)\(finish.stderr)")
        #expect(try crash.expectEachFileWhole(after: 1) == ConfigMigrateCrashTests.users)
        let leftovers = FileManager.default.enumerator(atPath: crash.tmp.path("root"))?.compactMap { $0 as? String }.filter { $0.contains("ctictl-tmp") } ?? []
        #expect(leftovers.isEmpty, "\(leftovers.prefix(5))")
    }
}
