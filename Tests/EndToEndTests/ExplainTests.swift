import Foundation
import Testing

/// `license verify --explain` shows a policy that had nothing to check as skipped, with the
/// reason, on both parsers of `license verify`, in text and JSON.
@Suite struct ExplainTests {
    @Test(arguments: [[:], ["CTICTL_NO_FAST_PATH": "1"]])
    func aPolicyWithNothingToCheckIsSkippedWithTheReason(environment: [String: String]) throws {
        let tmp = try TemporaryDirectory()
        #expect(try CLI.run(["key", "generate", "--kid", "k", "--dir", tmp.path("keys")]).status == 0)
        let issued = try CLI.run(
            ["license", "issue", "--key", tmp.path("keys/k.pem"), "--product", "datev-connector", "--customer", "c", "--seats", "5",
             "--maintenance-until", "2026-12-31", "--ledger", tmp.path("l.sqlite"), "--out", tmp.path("a.lic")])
        #expect(issued.status == 0, "\(issued.stderr)")
        let verify = ["license", "verify", tmp.path("a.lic"), "--keyring", tmp.path("keys/keyring.jwks"), "--explain"]

        let text = try CLI.run(verify + ["--active-users", "3"], environment: environment)
        #expect(text.status == 0, "\(text.stderr)")
        let explained = text.stdout.split(separator: "\n").filter { $0.hasPrefix("  [") }
        #expect(explained == [
            "  [pass] signature", "  [pass] signing-key", "  [pass] validity",
            "  [skipped] product: no --product given",
            "  [skipped] pbx-binding: the license is not bound to a PBX",
            "  [pass] seats",
            "  [skipped] maintenance: no --release or --release-date given",
            "  [skipped] revocation: no --revocations given",
            "  [pass] clock",
        ])

        let german = try CLI.run(verify + ["--lang", "de", "--product", "datev-connector", "--at", "2026-06-01"], environment: environment)
        #expect(german.stdout.contains("  [pass] product\n"))
        #expect(german.stdout.contains("  [skipped] clock: --at angegeben: die Uhr wird nicht gelesen\n"))

        let json = try CLI.run(verify + ["--format", "json"], environment: environment)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let policies = try #require((document["verification"] as? [String: Any])?["policies"] as? [[String: Any]])
        let product = try #require(policies.first { $0["name"] as? String == "product" })
        #expect(product["verdict"] as? String == "skipped")
        #expect((product["skipReason"] as? [String: String]) == ["en": "no --product given", "de": "kein --product angegeben"])
        let validity = try #require(policies.first { $0["name"] as? String == "validity" })
        #expect(validity["verdict"] as? String == "pass")
        #expect(validity["skipReason"] == nil)
    }
}
