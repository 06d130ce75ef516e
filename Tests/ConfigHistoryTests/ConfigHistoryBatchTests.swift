import CTICore
import Foundation
import GRDB
import Synchronization
import Testing

@testable import ConfigHistory

extension ConfigHistoryTests {
    /// `writeAll`: one transaction and one batched write; a file that cannot be written keeps
    /// no version, a path given twice is written once, the others are written and recorded.
    @Test func writeAllRecordsAndWritesEachFileAndLeavesOutTheOnesThatFail() throws {
        let history = try ConfigHistory(path: store)
        let other = directory + "/other.config", missing = directory + "/no-such-directory/user.config"
        try SafeFile.write(Array("original".utf8), to: config)
        func pending(_ path: String, _ text: String) -> ConfigHistory.PendingWrite {
            .init(path: path, bytes: Array(text.utf8), command: "config migrate", reason: "to 2.6", release: "2.6")
        }
        let results = try history.writeAll([pending(config, "migrated"), pending(missing, "lost"), pending(config, "twice"), pending(other, "new")], now: now)
        #expect(try results[0].get().version == 2)
        #expect((try? results[1].get()) == nil)
        #expect("\(results[2])".contains("given more than once"))
        #expect(try results[3].get().version == 1)
        #expect(try SafeFile.read(config) == Array("migrated".utf8))
        #expect(try SafeFile.read(config + ".bak") == Array("original".utf8))
        #expect(try SafeFile.read(other) == Array("new".utf8))
        #expect(try history.history(path: config).map { String(decoding: $0.content, as: UTF8.self) } == ["original", "migrated"])
        #expect(try history.history(path: missing).isEmpty)
        #expect(try history.recordedRelease(ofFileAt: config, content: SafeFile.read(config)) == "2.6")
        #expect(try history.recordedRelease(ofFileAt: config, content: Array("edited".utf8)) == nil)
    }
}

extension ConfigHistoryTests {
    /// A run killed after creating the history file and before its tables leaves an empty
    /// file beside the lock: the next run creates the history in it (an empty file that no
    /// ctictl opened is still refused, otherFilesAreNotTakenForAHistory).
    @Test func anEmptyHistoryLeftByAKilledRunIsCreatedAnew() throws {
        try SafeFile.makeDirectory(directory + "/state")
        try SafeFile.write([], to: store + ".lock")
        try SafeFile.write([], to: store, mode: 0o600)
        let history = try ConfigHistory(path: store)
        try history.record(path: config, bytes: Array("v1".utf8), command: "test", reason: "first", now: now)
        #expect(try history.history(path: config).count == 1)
    }

    /// Beside the lock, another database is still refused (checked read-write), never migrated.
    @Test func anotherDatabaseBesideTheLockIsStillRefused() throws {
        try SafeFile.makeDirectory(directory + "/state")
        try SafeFile.write([], to: store + ".lock")
        let other = try DatabaseQueue(path: store)
        try other.write { try $0.execute(sql: "CREATE TABLE t (x)") }
        try other.close()
        expectFailure(.historyNotAHistory, containing: ["not a ctictl config history"]) { _ = try ConfigHistory(path: store) }
        let tables = try DatabaseQueue(path: store).read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master") }
        #expect(tables == ["t"])
    }
}

extension ConfigHistoryTests {
    /// The batch's directory resolution names every directory as `realpath` does: plain
    /// directories, links (absolute, relative, to links), `.` and `..`, missing ones; and
    /// the files of a batch run on every core are keyed as `canonical` keys each alone.
    @Test func directoriesResolveAsRealpathResolvesThem() throws {
        let fileManager = FileManager.default
        let root = directory + "/tree"
        for folder in ["a/b/c", "x/y", "z"] { try fileManager.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true) }
        try fileManager.createSymbolicLink(atPath: root + "/abs", withDestinationPath: root + "/a/b")
        try fileManager.createSymbolicLink(atPath: root + "/rel", withDestinationPath: "x/y")
        try fileManager.createSymbolicLink(atPath: root + "/x/up", withDestinationPath: "../a")
        try fileManager.createSymbolicLink(atPath: root + "/chain", withDestinationPath: "rel")
        let directories = [
            "/", root, root + "/a", root + "/a/b/c", root + "/abs", root + "/abs/c", root + "/rel", root + "/x/up/b", root + "/chain",
            root + "/a/./b", root + "/a/b/../b/c", root + "//a", root + "/a/", root + "/missing", root + "/abs/missing", root + "/z",
        ]
        let resolver = DirectoryResolver()
        for _ in 0..<2 {  // the second round answers from what the first learned
            for path in directories {
                #expect(resolver.resolve(path) == DirectoryResolver.systemResolved(path), "\(path)")
            }
        }
        let files = directories.filter { fileManager.fileExists(atPath: $0) && $0 != "/" }.map { $0 + "/user.config" }
        let shared = DirectoryResolver()
        let together = try BatchRunner.concurrent.map(files) { file in Result { try ConfigHistory.canonical(file, resolver: shared) } }.map { try $0.get() }
        #expect(together == (try files.map { try ConfigHistory.canonical($0) }))
        #expect(together.allSatisfy { $0.hasPrefix(DirectoryResolver.systemResolved(root) ?? "?") })
    }
}

/// The runners of a batch: the concurrent one gives what the serial one gives, in order.
@Suite struct BatchRunnerTests {
    @Test(arguments: [BatchRunner.serial, BatchRunner.concurrent]) func mapKeepsTheOrder(_ runner: BatchRunner) {
        let items = (0..<1000).map { "item \($0)" }
        #expect(runner.map(items) { $0.uppercased() } == items.map { $0.uppercased() })
        #expect(runner.map(0) { $0 }.isEmpty)
    }

    @Test(arguments: [BatchRunner.serial, BatchRunner.concurrent]) func pipelinedConsumesEveryPieceOnceInOrder(_ runner: BatchRunner) {
        for count in [0, 1, 2, 7] {
            let produced = Mutex<[Int]>([])
            var consumed: [Int] = []
            runner.pipelined(count, produce: { index in
                produced.withLock { $0.append(index) }
                return index * index
            }) { consumed.append($0) }
            #expect(consumed == (0..<count).map { $0 * $0 })
            #expect(produced.withLock { $0.sorted() } == Array(0..<count))
        }
    }
}

extension ConfigHistoryTests {
    /// `writeAll` in its two halves: a prepared batch replaces and records nothing until it is
    /// committed; one discarded leaves no temporary file and no version; the next chunk can
    /// be prepared before the last one is committed.
    @Test func aPreparedBatchChangesNothingUntilItIsCommitted() throws {
        let history = try ConfigHistory(path: store)
        let first = directory + "/first.config", second = directory + "/second.config"
        try SafeFile.write(Array("one".utf8), to: first)
        try SafeFile.write(Array("two".utf8), to: second)
        func pending(_ path: String, _ text: String) -> ConfigHistory.PendingWrite {
            .init(path: path, bytes: Array(text.utf8), command: "config migrate", reason: "to 2.6", release: "2.6")
        }
        let temporaries = { try FileManager.default.contentsOfDirectory(atPath: self.directory).filter { $0.contains(".ctictl-tmp-") } }

        let discarded = ConfigHistory.prepare([pending(first, "lost")])
        #expect(try temporaries().count == 1)  // the new content (the backup is linked as FILE.bak: there was none)
        #expect(FileManager.default.fileExists(atPath: first + ".bak"))
        discarded.discard()
        #expect(try temporaries().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: first + ".bak"))
        #expect(try SafeFile.read(first) == Array("one".utf8))
        #expect(try history.history(path: first).isEmpty)

        let chunkOne = ConfigHistory.prepare([pending(first, "one migrated")], runner: .concurrent)
        let chunkTwo = ConfigHistory.prepare([pending(second, "two migrated"), pending(second, "again")], runner: .concurrent)
        #expect(try SafeFile.read(first) == Array("one".utf8) && SafeFile.read(second) == Array("two".utf8))
        #expect(try history.commit(chunkOne, now: now).map { try $0.get().version } == [2])
        let results = try history.commit(chunkTwo, now: now, runner: .concurrent)
        #expect(try results[0].get().version == 2)
        #expect("\(results[1])".contains("given more than once"))
        #expect(try SafeFile.read(first) == Array("one migrated".utf8) && SafeFile.read(first + ".bak") == Array("one".utf8))
        #expect(try SafeFile.read(second) == Array("two migrated".utf8) && SafeFile.read(second + ".bak") == Array("two".utf8))
        #expect(try temporaries().isEmpty)
    }
}
