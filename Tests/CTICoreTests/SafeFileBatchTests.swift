import Foundation
import Testing
@testable import CTICore

/// `SafeFile.replaceAll`: many files replaced with their backups, a failing file reported at
/// its index without stopping the others, no temporary file left.
@Suite struct SafeFileBatchTests {
    let tmp: TemporaryDirectory

    init() throws { tmp = try TemporaryDirectory("safefile-batch") }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func replacesEveryFileAfterAVerifiedBackupAndReportsTheOneThatFails() throws {
        let paths = (0..<3).map { tmp.path("c\($0).config") }
        for (index, path) in paths.enumerated() {
            try SafeFile.write(bytes("old \(index)"), to: path, mode: 0o600)
        }
        let missing = tmp.path("no-such-directory/c.config")
        let results = try SafeFile.replaceAll(
            [.init(path: paths[0], bytes: bytes("new 0"), mode: 0o600), .init(path: missing, bytes: bytes("lost")),
             .init(path: paths[1], bytes: bytes("new 1"), mode: 0o640), .init(path: tmp.path("fresh.config"), bytes: bytes("fresh"))],
            backups: true)
        #expect(results.count == 4)
        #expect(results[0] == nil && results[2] == nil && results[3] == nil)
        #expect(results[1]?.path == missing)
        #expect(try SafeFile.read(paths[0]) == bytes("new 0"))
        #expect(try SafeFile.read(paths[0] + ".bak") == bytes("old 0"))
        #expect(try SafeFile.mode(of: paths[0] + ".bak") == 0o600)
        #expect(try SafeFile.read(paths[1]) == bytes("new 1"))
        #expect(try SafeFile.mode(of: paths[1]) == 0o640)
        #expect(try SafeFile.read(paths[1] + ".bak") == bytes("old 1"))
        // Not in the batch: untouched, and a new file has nothing to back up.
        #expect(try SafeFile.read(paths[2]) == bytes("old 2"))
        #expect(!SafeFile.exists(paths[2] + ".bak"))
        #expect(try SafeFile.read(tmp.path("fresh.config")) == bytes("fresh"))
        #expect(!SafeFile.exists(tmp.path("fresh.config.bak")))
        let names = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(!names.contains { $0.contains(SafeFile.temporaryMarker) }, "\(names)")
    }

    /// The file the caller read is the backup: the same file (a hard link), with its mode;
    /// it is not read again.
    @Test func theOriginalTheCallerReadIsTheBackup() throws {
        let path = tmp.path("read-once.config")
        try SafeFile.write(bytes("old"), to: path, mode: 0o640)
        let original = try SafeFile.readIdentified(path)
        let results = try SafeFile.replaceAll([.init(path: path, bytes: bytes("new"), mode: 0o640, original: original)], backups: true)
        #expect(results.count == 1 && results[0] == nil)
        #expect(try SafeFile.read(path) == bytes("new"))
        #expect(try SafeFile.read(path + ".bak") == bytes("old"))
        #expect(try SafeFile.mode(of: path + ".bak") == 0o640)
        #expect(try SafeFile.identity(of: path + ".bak") == original.identity)
        // Without backups it is not used.
        #expect(try SafeFile.replaceAll([.init(path: path, bytes: bytes("newer"), original: try SafeFile.readIdentified(path))], backups: false).allSatisfy { $0 == nil })
        #expect(try SafeFile.read(path + ".bak") == bytes("old"))
    }

    /// A file changed after the caller read it is not replaced: its backup would not be what
    /// was read (and recorded). The file keeps the change.
    @Test func aFileChangedSinceItWasReadIsLeftAsItIs() throws {
        let path = tmp.path("changed.config")
        try SafeFile.write(bytes("old"), to: path)
        let original = try SafeFile.readIdentified(path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.write(Data("changed by someone else".utf8))
        try handle.close()
        let results = try SafeFile.replaceAll([.init(path: path, bytes: bytes("new"), original: original)], backups: true)
        #expect(results[0]?.path == path)
        #expect(try SafeFile.read(path) == bytes("changed by someone else"))
        let names = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(!names.contains { $0.contains(SafeFile.temporaryMarker) }, "\(names)")
    }

    /// A file saved anew after the batch was staged (the usual save: a temporary file renamed
    /// over it) is not overwritten; a file created where there was none is not either.
    @Test func aFileSavedOrCreatedAfterStagingIsLeftAsItIs() throws {
        let saved = tmp.path("saved.config"), created = tmp.path("created.config")
        try SafeFile.write(bytes("old"), to: saved)
        let batch = SafeFile.StagedBatch(
            [.init(path: saved, bytes: bytes("migrated"), original: try SafeFile.readIdentified(saved)), .init(path: created, bytes: bytes("new"))], backups: true)
        try SafeFile.write(bytes("saved by the client"), to: saved)
        try SafeFile.write(bytes("created by the client"), to: created)
        let results = try batch.finish()
        #expect(results.map { $0?.path } == [saved, created])
        #expect(try SafeFile.read(saved) == bytes("saved by the client"))
        #expect(try SafeFile.read(created) == bytes("created by the client"))
        let names = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(!names.contains { $0.contains(SafeFile.temporaryMarker) }, "\(names)")
    }

    /// Staging never replaces a `FILE.bak`: a batch discarded (or a file left out) keeps the
    /// older backup as it was, and leaves no temporary file.
    @Test func aDiscardedBatchKeepsTheOlderBackup() throws {
        let path = tmp.path("kept.config")
        try SafeFile.write(bytes("first"), to: path)
        #expect(try SafeFile.replaceAll([.init(path: path, bytes: bytes("second"))], backups: true).map { $0 == nil } == [true])
        let staged = SafeFile.StagedBatch([.init(path: path, bytes: bytes("third"))], backups: true)
        #expect(try SafeFile.read(path + ".bak") == bytes("first"))
        staged.discard()
        let leftOut = SafeFile.StagedBatch([.init(path: path, bytes: bytes("third"))], backups: true).leavingOut([0])
        #expect(try leftOut.finish().map { $0 == nil } == [true])
        #expect(try SafeFile.read(path) == bytes("second"))
        #expect(try SafeFile.read(path + ".bak") == bytes("first"))
        // A file saved anew after staging is not replaced, and its older backup stays.
        let changed = SafeFile.StagedBatch([.init(path: path, bytes: bytes("third"), original: try SafeFile.readIdentified(path))], backups: true)
        try SafeFile.write(bytes("saved meanwhile"), to: path)
        #expect(try changed.finish().map { $0?.path } == [path])
        #expect(try SafeFile.read(path) == bytes("saved meanwhile"))
        #expect(try SafeFile.read(path + ".bak") == bytes("first"))
        // Where there was no backup, staging links one in place; discarding takes it away.
        let fresh = tmp.path("fresh.config")
        try SafeFile.write(bytes("only"), to: fresh)
        let freshBatch = SafeFile.StagedBatch([.init(path: fresh, bytes: bytes("migrated"))], backups: true)
        #expect(SafeFile.exists(fresh + ".bak"))
        freshBatch.discard()
        #expect(!SafeFile.exists(fresh + ".bak"))
        #expect(try SafeFile.read(fresh) == bytes("only"))
        let names = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(!names.contains { $0.contains(SafeFile.temporaryMarker) }, "\(names)")
    }

    /// A second replacement: the older backup is replaced by the file replaced now, and a
    /// backup that already is the original (a run killed after linking it) stays.
    @Test func anOlderBackupIsReplacedByTheFileReplacedNow() throws {
        let path = tmp.path("twice.config")
        try SafeFile.write(bytes("first"), to: path)
        #expect(try SafeFile.replaceAll([.init(path: path, bytes: bytes("second"))], backups: true).map { $0 == nil } == [true])
        #expect(try SafeFile.read(path + ".bak") == bytes("first"))
        #expect(try SafeFile.replaceAll([.init(path: path, bytes: bytes("third"))], backups: true).map { $0 == nil } == [true])
        #expect(try SafeFile.read(path) == bytes("third"))
        #expect(try SafeFile.read(path + ".bak") == bytes("second"))
        // Killed after linking: FILE.bak is FILE.
        try FileManager.default.removeItem(atPath: path + ".bak")
        try FileManager.default.linkItem(atPath: path, toPath: path + ".bak")
        #expect(try SafeFile.replaceAll([.init(path: path, bytes: bytes("fourth"))], backups: true).map { $0 == nil } == [true])
        #expect(try SafeFile.read(path) == bytes("fourth"))
        #expect(try SafeFile.read(path + ".bak") == bytes("third"))
        let names = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(!names.contains { $0.contains(SafeFile.temporaryMarker) }, "\(names)")
    }

    /// Reading sizes its buffer by the file: empty, small, exactly a buffer, larger than one.
    @Test func readReturnsEveryByteWhateverTheSize() throws {
        for size in [0, 1, 600, 4095, 4096, 4097, 65_535, 65_536, 200_000] {
            let path = tmp.path("size-\(size)")
            let content = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try SafeFile.write(content, to: path, mode: 0o600)
            #expect(try SafeFile.read(path, limit: .max) == content, "\(size) bytes")
        }
        let small = tmp.path("size-600")
        #expect(throws: FileError.self) { _ = try SafeFile.read(small, limit: 599) }
        #expect(try SafeFile.read(small, limit: 600).count == 600)
        #expect(try SafeFile.readIfPresent(tmp.path("none")) == nil)
        #expect(try SafeFile.readIfPresent(small) == (try SafeFile.read(small)))
        #expect(throws: FileError.self) { _ = try SafeFile.readIfPresent(tmp.path) }
    }

    @Test func followsLinksAsWriteDoes() throws {
        try SafeFile.write(bytes("old"), to: tmp.path("real.config"))
        try FileManager.default.createSymbolicLink(atPath: tmp.path("link.config"), withDestinationPath: "real.config")
        #expect(try SafeFile.replaceAll([.init(path: tmp.path("link.config"), bytes: bytes("new"))], backups: true).map { $0 == nil } == [true])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: tmp.path("link.config")) == "real.config")
        #expect(try SafeFile.read(tmp.path("real.config")) == bytes("new"))
        #expect(try SafeFile.read(tmp.path("real.config.bak")) == bytes("old"))
    }

    @Test func anEmptyBatchDoesNothing() throws {
        #expect(try SafeFile.replaceAll([], backups: true).isEmpty)
    }
}
