import CTICore
import Foundation
import Synchronization
import GRDB
import Testing

@testable import ConfigHistory

@Suite final class ConfigHistoryTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)").path
    let now: Int64 = 1_790_000_000

    init() throws { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var store: String { directory + "/state/config-history.sqlite" }
    var config: String { directory + "/user.config" }

    /// Four connections opening one new history at once: the lock beside it makes one create
    /// and migrate it, the others open what it made (none sees a half-made file).
    @Test func aNewHistoryOpenedFromFourConnectionsAtOnce() throws {
        let failures = Mutex<[String]>([])
        let (store, config) = (self.store, self.config)
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            do {
                let history = try ConfigHistory(path: store)
                _ = try history.history(path: config + "-\(index)")
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
    }

    func tamper(_ sql: String) throws {
        let queue = try DatabaseQueue(path: store)
        try queue.write { try $0.execute(sql: sql) }
    }

    func expectFailure(_ code: ErrorCode, containing parts: [String] = [], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("succeeded, expected \(code)", sourceLocation: sourceLocation)
        } catch let error as CTIError {
            #expect(error.errorCode == code, "\(error.message)", sourceLocation: sourceLocation)
            for part in parts { #expect(error.message.contains(part), "\(error.message) lacks \(part)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("threw \(error), expected \(code)", sourceLocation: sourceLocation)
        }
    }

    @Test func theLocationIsResolvedLikeTheLedgers() {
        #expect(ConfigHistoryLocation.resolve(explicit: "/a/h.sqlite", environment: ["CTICTL_CONFIG_HISTORY": "/b"]) == "/a/h.sqlite")
        #expect(ConfigHistoryLocation.resolve(explicit: nil, environment: ["CTICTL_CONFIG_HISTORY": "/b", "XDG_DATA_HOME": "/x"]) == "/b")
        #expect(ConfigHistoryLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]) == "/x/ctictl/config-history.sqlite")
        #expect(ConfigHistoryLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "relative", "HOME": "/h"]) == "/h/.local/share/ctictl/config-history.sqlite")
        #expect(ConfigHistoryLocation.resolve(explicit: "", environment: [:]) == "./.local/share/ctictl/config-history.sqlite")
    }

    @Test func recordsAndListsVersionsWithTheirHashes() throws {
        let history = try ConfigHistory(path: store)
        let first = try history.record(path: config, bytes: Array("one".utf8), command: "config migrate", reason: "2.4.4.1 → 2.6", now: now)
        let second = try history.record(path: config, bytes: Array("two".utf8), command: "config migrate", reason: "again", now: now + 1)
        #expect(first.version == 1 && second.version == 2)
        let entries = try history.history(path: config)
        #expect(entries == [first, second])
        #expect(entries.map(\.sha256) == [
            "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed",
            "3fc4ccfe745870e2c0d99f71f30ff0656c8dedd41cc1d7d3d376b0dbe685e2f3",
        ])
        #expect(entries.map(\.isIntact) == [true, true])
        #expect(entries.map(\.recordedAt) == [now, now + 1])
        // Another name for the same file (relative, through a link) is the same history.
        try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: directory)
        #expect(try history.history(path: directory + "/link/user.config") == entries)
        #expect(try history.history(path: directory + "/other.config").isEmpty)
        #expect(try history.paths() == [entries[0].path])
        // Only its owner may read it, the WAL included.
        #expect(try SafeFile.mode(of: store) == 0o600)
        #expect(try SafeFile.mode(of: store + "-wal") == 0o600)
        // Reopened, the history is still there (WAL, committed).
        #expect(try ConfigHistory(path: store).history(path: config).count == 2)
    }

    @Test func writeRecordsTheFoundContentFirstAndKeepsABackup() throws {
        let history = try ConfigHistory(path: store)
        try SafeFile.write(Array("original".utf8), to: config)
        let written = try history.write(Array("migrated".utf8), to: config, command: "config migrate", reason: "to 2.6", now: now)
        #expect(written.version == 2)
        #expect(try SafeFile.read(config) == Array("migrated".utf8))
        #expect(try SafeFile.read(config + ".bak") == Array("original".utf8))
        let entries = try history.history(path: config)
        #expect(entries.map { String(decoding: $0.content, as: UTF8.self) } == ["original", "migrated"])
        #expect(entries[0].reason.contains("as found"))
        // Written again with nothing changed outside ctictl: no second "found" version.
        try history.write(Array("third".utf8), to: config, command: "config migrate", reason: "again", now: now + 1)
        #expect(try history.history(path: config).count == 3)
    }

    @Test func rollbackRestoresAVerifiedVersionAndIsRecorded() throws {
        let history = try ConfigHistory(path: store)
        try SafeFile.write(Array("original".utf8), to: config)
        try history.write(Array("migrated".utf8), to: config, command: "config migrate", reason: "to 2.6", now: now)
        // Edited by hand after the migration: the rollback keeps that version too.
        try SafeFile.write(Array("hand edit".utf8), to: config)
        let restored = try history.rollback(path: config, to: 1, now: now + 5)
        #expect(try SafeFile.read(config) == Array("original".utf8))
        #expect(try SafeFile.read(config + ".bak") == Array("hand edit".utf8))
        #expect(restored.version == 4)
        #expect(restored.command == "config rollback")
        #expect(restored.reason.hasPrefix("rollback to version 1 (recorded "))
        let entries = try history.history(path: config)
        #expect(entries.map { String(decoding: $0.content, as: UTF8.self) } == ["original", "migrated", "hand edit", "original"])
        #expect(entries.last?.sha256 == entries.first?.sha256)
        expectFailure(.historyVersionUnknown, containing: ["no version 9", "1–4"]) { _ = try history.rollback(path: config, to: 9, now: now) }
        expectFailure(.historyVersionUnknown, containing: ["no versions"]) { _ = try history.rollback(path: directory + "/x.config", to: 1, now: now) }
    }

    @Test func aTamperedVersionIsNeverRestored() throws {
        let history = try ConfigHistory(path: store)
        try SafeFile.write(Array("original".utf8), to: config)
        try history.write(Array("migrated".utf8), to: config, command: "config migrate", reason: "to 2.6", now: now)
        try tamper("UPDATE config_versions SET content = CAST('evil' AS BLOB) WHERE version = 1")
        expectFailure(.historyTampered, containing: [config, "version 1", "SHA-256", "nothing was written"]) { _ = try history.rollback(path: config, to: 1, now: now) }
        #expect(try SafeFile.read(config) == Array("migrated".utf8))
        #expect(try history.history(path: config).map(\.isIntact) == [false, true])
        #expect(try history.history(path: config).count == 2)
    }

    @Test(arguments: [
        ("UPDATE config_versions SET version = 'abc'", "column version holds the text \"abc\""),
        ("UPDATE config_versions SET recorded_at = x'0102'", "column recorded_at holds a blob of 2 bytes"),
        ("UPDATE config_versions SET content = 5", "column content holds the integer 5"),
    ])
    func aWrongTypedColumnIsAnErrorNamingIt(sql: String, expected: String) throws {
        let history = try ConfigHistory(path: store)
        try history.record(path: config, bytes: [1, 2], command: "c", reason: "r", now: now)
        try tamper(sql)
        expectFailure(.historyRowUndecodable, containing: [store + ": table config_versions, row 1: " + expected]) { _ = try history.history(path: config) }
    }

    /// Writing asks for the newest version and its hash: edited into the wrong type, they are
    /// an error naming the file, never a trap, and nothing is written.
    @Test(arguments: ["UPDATE config_versions SET version = 'abc'", "UPDATE config_versions SET sha256 = x'FF00'"])
    func aWrongTypedNewestVersionStopsAWrite(sql: String) throws {
        let history = try ConfigHistory(path: store)
        try SafeFile.write(Array("original".utf8), to: config)
        try history.record(path: config, bytes: Array("original".utf8), command: "c", reason: "r", now: now)
        try tamper(sql)
        expectFailure(.historyRowUndecodable, containing: ["newest version of", "user.config", "Restore it from a backup"]) {
            _ = try history.write(Array("migrated".utf8), to: config, command: "config migrate", reason: "to 2.6", now: now)
        }
        #expect(try SafeFile.read(config) == Array("original".utf8))
        let results = try history.writeAll([.init(path: config, bytes: Array("migrated".utf8), command: "config migrate", reason: "to 2.6")], now: now)
        #expect("\(results[0])".contains("newest version of"))
        #expect(try SafeFile.read(config) == Array("original".utf8))
    }

    @Test func otherFilesAreNotTakenForAHistory() throws {
        try SafeFile.makeDirectory(directory + "/state")
        try SafeFile.write(Array("not sqlite, just text".utf8), to: store)
        expectFailure(.historyNotAHistory, containing: ["not an SQLite database"]) { _ = try ConfigHistory(path: store) }
        try SafeFile.write([], to: store)
        expectFailure(.historyNotAHistory, containing: ["empty file"]) { _ = try ConfigHistory(path: store) }
        try FileManager.default.removeItem(atPath: store)
        let other = try DatabaseQueue(path: store)
        try other.write { try $0.execute(sql: "CREATE TABLE t (x)") }
        try other.close()
        expectFailure(.historyNotAHistory, containing: ["not a ctictl config history"]) { _ = try ConfigHistory(path: store) }
    }
}
