import Foundation
import Synchronization
import Testing
@testable import CTICore

@Suite struct SafeFileNewFileTests {
    let tmp: TemporaryDirectory
    var directory: String { tmp.path }

    init() throws { tmp = try TemporaryDirectory("safefile") }

    func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: directory).sorted() }

    @Test func writeNewCreatesTheWholeFileWithItsModeWhateverTheUmask() throws {
        let old = umask(0o077)
        defer { umask(old) }
        try SafeFile.writeNew(Array("license\n".utf8), to: directory + "/a.lic", mode: 0o644)
        #expect(try SafeFile.read(directory + "/a.lic") == Array("license\n".utf8))
        #expect(try SafeFile.mode(of: directory + "/a.lic") == 0o644)
        #expect(try names() == ["a.lic"])
    }

    /// Kernels before 6.10 refuse AT_EMPTY_PATH to unprivileged users: the /proc way then.
    @Test func writeNewLinksThroughProcWhenTheDescriptorWayIsRefused() throws {
        SafeFile.emptyPathLinkRefused.store(true, ordering: .relaxed)
        defer { SafeFile.emptyPathLinkRefused.store(false, ordering: .relaxed) }
        try SafeFile.writeNew(Array("via proc".utf8), to: directory + "/p.lic")
        #expect(try SafeFile.read(directory + "/p.lic") == Array("via proc".utf8))
        #expect(try names() == ["p.lic"])
    }

    @Test func writeNewReplacesAnExistingFile() throws {
        try SafeFile.write(Array("old".utf8), to: directory + "/a.lic")
        try SafeFile.writeNew(Array("new".utf8), to: directory + "/a.lic")
        #expect(try SafeFile.read(directory + "/a.lic") == Array("new".utf8))
        #expect(try names() == ["a.lic"])
    }

    @Test func writeNewIntoAMissingDirectoryNamesThePath() throws {
        #expect {
            try SafeFile.writeNew(Array("x".utf8), to: directory + "/missing/a.lic")
        } throws: { error in
            (error as? FileError)?.reason == .notFound && (error as? FileError)?.path == directory + "/missing/a.lic"
        }
    }

    @Test(arguments: [("a/b/c.lic", "a/b", "c.lic"), ("c.lic", ".", "c.lic"), ("/c.lic", "/", "c.lic"), ("a/b/", "a/b", "b"), ("Kunden/Müller/ä.lic", "Kunden/Müller", "ä.lic")])
    func pathsAreSplitOnTheLastSlash(path: String, parent: String, name: String) {
        #expect(SafeFile.parentDirectory(of: path) == parent)
        #expect(SafeFile.fileName(of: path) == name)
    }
}

/// Links, leftovers of killed runs, and checks before writing.
@Suite final class SafeFileLinkAndLeftoverTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("safefile-links-\(UUID().uuidString)").path

    init() throws { try SafeFile.makeDirectory(directory + "/real") }
    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func names(_ sub: String = "") throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: directory + sub).sorted() }

    /// A process id that no process has: one that ran and has ended.
    static func endedProcessID() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func aLinkedFileIsReplacedWhereTheLinkPointsWithTheBackupBesideIt() throws {
        try SafeFile.write(Array("old".utf8), to: directory + "/real/keyring.jwks")
        try FileManager.default.createSymbolicLink(atPath: directory + "/keyring.jwks", withDestinationPath: "real/keyring.jwks")
        try SafeFile.write(Array("new".utf8), to: directory + "/keyring.jwks", backup: true)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory + "/keyring.jwks") == "real/keyring.jwks")
        #expect(try SafeFile.read(directory + "/real/keyring.jwks") == Array("new".utf8))
        #expect(try SafeFile.read(directory + "/real/keyring.jwks.bak") == Array("old".utf8))
        #expect(try names() == ["keyring.jwks", "real"])
        #expect(try names("/real") == ["keyring.jwks", "keyring.jwks.bak"])
    }

    @Test func aChainOfLinksIsFollowedAndALoopIsRefused() throws {
        try FileManager.default.createSymbolicLink(atPath: directory + "/a", withDestinationPath: directory + "/b")
        try FileManager.default.createSymbolicLink(atPath: directory + "/b", withDestinationPath: "real/c")
        try SafeFile.write(Array("x".utf8), to: directory + "/a")
        #expect(try SafeFile.read(directory + "/real/c") == Array("x".utf8))
        try FileManager.default.createSymbolicLink(atPath: directory + "/loop1", withDestinationPath: "loop2")
        try FileManager.default.createSymbolicLink(atPath: directory + "/loop2", withDestinationPath: "loop1")
        #expect { try SafeFile.write(Array("x".utf8), to: self.directory + "/loop1") } throws: {
            ($0 as? FileError)?.message.contains("too many levels of symbolic links") == true
        }
    }

    @Test func aTemporaryFileOfAKilledRunIsRemovedByTheNextWrite() throws {
        let stale = ".keyring.jwks\(SafeFile.temporaryMarker)\(try Self.endedProcessID())-a1B2c3"
        let live = ".keyring.jwks\(SafeFile.temporaryMarker)\(getpid())-d4E5f6"
        let foreign = ".keyring.jwks.tmp-x1y2z3"
        // Left as a killed run leaves them (not through SafeFile, which cleans a directory once).
        for name in [stale, live, foreign] { #expect(FileManager.default.createFile(atPath: directory + "/real/" + name, contents: Data("half".utf8))) }
        try SafeFile.write(Array("keys".utf8), to: directory + "/real/keyring.jwks")
        #expect(try names("/real") == [foreign, live, "keyring.jwks"].sorted())
        #expect(SafeFile.temporaryOwner(stale) != nil && SafeFile.temporaryOwner("keyring.jwks") == nil && SafeFile.temporaryOwner(foreign) == nil)
    }

    @Test func checkWritableRefusesWhatCannotBeWritten() throws {
        try SafeFile.write(Array("x".utf8), to: directory + "/real/existing.lic")
        func refusal(_ path: String, mayReplace: Bool = true) -> String? {
            do {
                try SafeFile.checkWritable(directory + path, mayReplace: mayReplace)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(refusal("/missing/x.lic")?.contains("the directory \(directory)/missing does not exist") == true)
        #expect(refusal("/real")?.contains("is a directory") == true)
        #expect(refusal("/real/existing.lic/x.lic")?.contains("is not a directory") == true)
        #expect(refusal("/real/existing.lic", mayReplace: false)?.contains("already exists") == true)
        #expect(refusal("/real/existing.lic") == nil)
        #expect((try? SafeFile.checkWritable("/dev/null", mayReplace: true)) == nil)
        #expect(refusal("/real/new.lic") == nil)
        #expect(throws: FileError.self) { try SafeFile.checkWritableDirectory(self.directory + "/real/existing.lic") }
        try SafeFile.checkWritableDirectory(directory + "/real")
    }
}
