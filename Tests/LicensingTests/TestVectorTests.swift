import CTICore
import Foundation
import Testing
@testable import Licensing
@testable import Signing

/// The known-answer vectors of docs/test-vectors/ against the library: every accept vector
/// verifies, every reject vector is refused with its documented code.
struct TestVector: Sendable, CustomStringConvertible {
    let file: String
    let expect: String
    let code: String?
    let exit: Int
    let at: String
    let product: String
    let pbxID: String

    var description: String { file }

    static let directory: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        return url.appendingPathComponent("docs/test-vectors")
    }()

    /// The manifest's entries as JSON, so a test can tell that none was dropped.
    static var entries: [JSONObjectReader] {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("manifest.json").path),
            let root = try? JSONObjectReader(try JSONParser.parse(Array(data))),
            let entries = try? root.objectArray("vectors")
        else { return [] }
        return entries
    }

    static let all: [TestVector] = {
        entries.compactMap { entry in
            try? TestVector(
                file: entry.string("file"), expect: entry.string("expect"), code: entry.optionalString("code"), exit: Int(entry.integer("exit")),
                at: entry.string("at"), product: entry.string("product"), pbxID: entry.string("pbxID"))
        }
    }()
}

@Suite struct TestVectorTests {
    @Test func theManifestListsEveryVectorFile() throws {
        #expect(TestVector.all.count >= 29)
        #expect(TestVector.all.count == TestVector.entries.count, "a manifest entry lacks a field and would not be tested")
        let files = try FileManager.default.contentsOfDirectory(atPath: TestVector.directory.path).filter { $0.hasSuffix(".lic") }
        #expect(Set(files) == Set(TestVector.all.map(\.file)))
        #expect(TestVector.all.contains { $0.expect == "accept" } && TestVector.all.contains { $0.expect == "reject" })
    }

    @Test(arguments: TestVector.all)
    func vectorBehavesAsDocumented(_ vector: TestVector) throws {
        let keyring = try Keyring.load(TestVector.directory.appendingPathComponent("keyring.jwks").path)
        let bytes = Array(try #require(FileManager.default.contents(atPath: TestVector.directory.appendingPathComponent(vector.file).path), "\(vector.file) is missing"))
        let now = try #require(UTCTimestamp.parse(vector.at))
        let context = VerificationContext(now: now, product: vector.product, pbxFactors: [PBXFactor(kind: PBXFactor.instanceID, value: vector.pbxID)], nowIsFromClock: false)
        do {
            let result = try LicenseVerifier(keyring: keyring).verify(bytes, in: context)
            if vector.expect == "accept" {
                #expect(result.status == .valid, "\(vector.file): \(result.codes)")
            } else {
                #expect(result.status == .invalid)
                #expect(result.codes.contains(vector.code ?? "?"), "\(vector.file): \(result.codes)")
                #expect(vector.exit == 1)
            }
        } catch let error as CTIError {
            #expect(vector.expect == "reject", "\(vector.file) was refused: \(error.message)")
            #expect(error.code == vector.code, "\(vector.file): \(error.code)")
            #expect(Int(error.kind.exitStatus) == vector.exit)
        }
    }

    @Test func theAcceptedVariantsAllCarryTheSameToken() throws {
        let tokens = try TestVector.all.filter { $0.file.hasPrefix("variant-") }.map { vector in
            try LicenseFormat.armor.read(Array(FileManager.default.contents(atPath: TestVector.directory.appendingPathComponent(vector.file).path) ?? Data())).compact
        }
        let original = try LicenseFormat.armor.read(Array(FileManager.default.contents(atPath: TestVector.directory.appendingPathComponent("ed25519.lic").path) ?? Data())).compact
        #expect(!tokens.isEmpty)
        #expect(tokens.allSatisfy { $0 == original })
    }

    @Test func theWorkedExampleInTheFormatDocIsTheVector() throws {
        let doc = try String(contentsOf: TestVector.directory.deletingLastPathComponent().appendingPathComponent("license-format.md"), encoding: .utf8)
        let marker = "<!-- test-vector: es256.lic -->\n```text\n"
        let start = try #require(doc.range(of: marker))
        let end = try #require(doc.range(of: "```", range: start.upperBound..<doc.endIndex))
        let vector = try String(contentsOf: TestVector.directory.appendingPathComponent("es256.lic"), encoding: .utf8)
        #expect(String(doc[start.upperBound..<end.lowerBound]) == vector)
    }
}
