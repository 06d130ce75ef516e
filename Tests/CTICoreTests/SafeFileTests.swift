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
