import Foundation
import Testing

/// `license verify` is parsed by a hand-written fast path (start-up time). Both paths must
/// give the same result for every way the command can be written.
@Suite struct FastPathTests {
    @Test func fastAndArgumentParserPathsAgree() throws {
        let tmp = try TemporaryDirectory()
        #expect(try CLI.run(["key", "generate", "--kid", "k", "--dir", tmp.path("keys")]).status == 0)
        let issued = try CLI.run(
            ["license", "issue", "--key", tmp.path("keys/k.pem"), "--product", "datev-connector", "--customer", "c", "--seats", "2",
             "--pbx-id", "SF-1", "--pbx-mac", "00:11:22:33:44:55", "--pbx-required", "1", "--not-before", "2026-01-01",
             "--expires", "2026-06-30", "--grace-days", "10", "--ledger", tmp.path("l.sqlite"), "--out", tmp.path("a.lic")])
        #expect(issued.status == 0, "\(issued.stderr)")
        let ring = tmp.path("keys/keyring.jwks")
        let lic = tmp.path("a.lic")
        let signed = try CLI.run(["catalog", "sign", "--product", "datev-connector", "--key", tmp.path("keys/k.pem"), "--out", tmp.path("catalog.txt")])
        #expect(signed.status == 0, "\(signed.stderr)")
        let catalog = tmp.path("catalog.txt")
        let variants: [[String]] = [
            [lic, "--keyring", ring],
            [lic, "--keyring=\(ring)", "--at", "2026-07-05", "--explain"],
            ["--keyring", ring, lic, "--product", "datev-connector", "--pbx-id", "SF-1"],
            [lic, "--keyring", ring, "--pbx-id", "SF-2", "--pbx-mac", "00-11-22-33-44-55", "--pbx-hostname", "x", "--format", "json", "--at", "2026-03-01"],
            [lic, "--keyring", ring, "--product", "crm-groupware", "--lang", "de", "--at", "2026-12-01T10:00:00Z"],
            [lic, "--keyring", ring, "--allow-development-keys", "--format=json", "--at=2026-04-01"],  // --at: "checkedAt" is the instant
            [lic, "--keyring", ring, "--at", "01.01.2026"],
            [lic, "--keyring", ring, "--release", "2.6.1", "--catalog", catalog, "--at", "2026-03-01"],
            [lic, "--keyring", ring, "--release=2.6", "--catalog=\(catalog)", "--product", "crm-groupware"],
            [lic, "--keyring", ring, "--release", "9.9", "--catalog", catalog],
            [lic, "--keyring", ring, "--release", "2.6"],
            [tmp.path("missing.lic"), "--keyring", ring],
            [lic, "--keyring", ring, "--explain", "--explain"],
            [lic, "--keyring", ring, "--format", "yaml"],
            [lic, "--keyring", ring, "--unknown"],
            [lic, "--keyring"],
            [lic],
            ["--help"],
        ]
        for variant in variants {
            let fast = try CLI.run(["license", "verify"] + variant)
            let slow = try CLI.run(["license", "verify"] + variant, environment: ["CTICTL_NO_FAST_PATH": "1"])
            #expect(fast.status == slow.status, "\(variant)")
            #expect(fast.stdout == slow.stdout, "\(variant)")
            #expect(fast.stderr == slow.stderr, "\(variant)")
        }
        // The keyring may also come from the environment, on both paths.
        let fromEnvironment = try CLI.run(["license", "verify", lic, "--at", "2026-03-01"], environment: ["CTICTL_KEYRING": ring])
        let fromEnvironmentSlow = try CLI.run(["license", "verify", lic, "--at", "2026-03-01"], environment: ["CTICTL_KEYRING": ring, "CTICTL_NO_FAST_PATH": "1"])
        #expect(fromEnvironment.status == 2)
        #expect(fromEnvironment.stdout == fromEnvironmentSlow.stdout)
    }
}
