import Foundation
import Testing

/// The vectors of docs/test-vectors/ through the built ctictl: exit status and code.
@Suite struct TestVectorCLITests {
    static let directory = CLI.packageRoot.appendingPathComponent("docs/test-vectors")

    static var vectors: [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("manifest.json").path),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [] }
        return root["vectors"] as? [[String: Any]] ?? []
    }

    @Test func everyVectorThroughTheCLI() throws {
        let vectors = Self.vectors
        #expect(vectors.count >= 29)
        for vector in vectors {
            let file = try #require(vector["file"] as? String)
            let result = try CLI.run([
                "license", "verify", Self.directory.appendingPathComponent(file).path, "--keyring", Self.directory.appendingPathComponent("keyring.jwks").path,
                "--at", vector["at"] as? String ?? "", "--product", vector["product"] as? String ?? "", "--pbx-id", vector["pbxID"] as? String ?? "",
            ])
            #expect(Int(result.status) == vector["exit"] as? Int, "\(file): \(result.stdout)\(result.stderr)")
            if let code = vector["code"] as? String {
                #expect((result.stdout + result.stderr).contains("[\(code)]"), "\(file): \(result.stdout)\(result.stderr)")
            }
            #expect(!result.stderr.contains("Fatal error"))
        }
    }
}
