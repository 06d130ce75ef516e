import Foundation
import Testing

/// A vendor's workflow, run through the built `ctictl` binary.
@Suite struct CLIFlowTests {
    let tmp: TemporaryDirectory

    init() throws {
        tmp = try TemporaryDirectory()
    }

    func generateKey(_ kid: String = "vendor-2026", alg: String = "EdDSA", environment: String = "production") throws {
        let result = try CLI.run(["key", "generate", "--kid", kid, "--alg", alg, "--dir", tmp.path("keys"), "--environment", environment])
        #expect(result.status == 0, "\(result.stderr)")
    }

    func issue(_ extra: [String] = [], out: String = "a.lic", kid: String = "vendor-2026") throws -> CLI.Result {
        try CLI.run(
            ["license", "issue", "--key", tmp.path("keys/\(kid).pem"), "--product", "datev-connector", "--customer", "K-1",
             "--seats", "5", "--ledger", tmp.path("ledger.sqlite"), "--out", tmp.path(out)] + extra)
    }

    func verify(_ file: String = "a.lic", _ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["license", "verify", tmp.path(file), "--keyring", tmp.path("keys/keyring.jwks")] + extra)
    }

    @Test(arguments: ["EdDSA", "ES256"])
    func issueVerifyInspect(alg: String) throws {
        try generateKey(alg: alg)
        let issued = try issue(["--expires", "2099-12-31", "--feature", "call-notes", "--order-id", "ORD-1"])
        #expect(issued.status == 0, "\(issued.stderr)")
        #expect(issued.stdout.contains("Issued CTI-00000001"))
        let verified = try verify("a.lic", ["--product", "datev-connector"])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("VALID: "))
        let inspected = try CLI.run(["license", "inspect", tmp.path("a.lic")])
        #expect(inspected.status == 0)
        #expect(inspected.stdout.contains("NOT VERIFIED"))
        #expect(inspected.stdout.contains("CTI-00000001"))
    }

    @Test func jsonOutputCarriesASchemaAndAllFindings() throws {
        try generateKey()
        #expect(try issue(["--not-before", "2026-01-01", "--expires", "2026-01-31", "--grace-days", "30"]).status == 0)
        let result = try verify("a.lic", ["--at", "2026-02-10", "--product", "crm-groupware", "--format", "json"])
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["schema"] as? String == "ctictl.license-verify/1")
        let verification = try #require(json["verification"] as? [String: Any])
        #expect(verification["status"] as? String == "invalid")
        let codes = (verification["findings"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
        #expect(codes == ["license.in-grace-period", "license.wrong-product"])
    }

    @Test func exitStatusTwoForWarnings() throws {
        try generateKey()
        #expect(try issue(["--not-before", "2026-01-01", "--expires", "2026-01-31", "--grace-days", "30"]).status == 0)
        let result = try verify("a.lic", ["--at", "2026-02-10", "--lang", "de"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("Kulanzfrist"))
    }

    @Test func explainListsEveryPolicy() throws {
        try generateKey()
        #expect(try issue().status == 0)
        let result = try verify("a.lic", ["--explain"])
        for policy in ["signature", "signing-key", "validity", "product", "pbx-binding", "seats", "maintenance", "revocation", "clock"] {
            #expect(result.stdout.contains("] \(policy)"), "missing \(policy)")
        }
    }

    @Test func theSameOrderTwiceGivesTheSameLicense() throws {
        try generateKey()
        #expect(try issue(["--order-id", "ORD-9"], out: "first.lic").status == 0)
        let again = try issue(["--order-id", "ORD-9"], out: "second.lic")
        #expect(again.status == 0)
        #expect(again.stdout.contains("already issued as CTI-00000001"))
        #expect(try String(contentsOfFile: tmp.path("first.lic"), encoding: .utf8) == String(contentsOfFile: tmp.path("second.lic"), encoding: .utf8))
        let conflict = try issue(["--order-id", "ORD-9", "--seats", "50"], out: "third.lic")
        #expect(conflict.status == 1)
        #expect(conflict.stderr.contains("ledger.order-conflict"))
        #expect(!FileManager.default.fileExists(atPath: tmp.path("third.lic")))
        let list = try CLI.run(["ledger", "list", "--ledger", tmp.path("ledger.sqlite"), "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        #expect((json["licenses"] as? [Any])?.count == 1)
    }

    @Test func theLedgerDefaultsToTheEnvironmentVariable() throws {
        try generateKey()
        let ledger = tmp.path("env-ledger/l.sqlite")
        let result = try CLI.run(
            ["license", "issue", "--key", tmp.path("keys/vendor-2026.pem"), "--product", "datev-connector", "--customer", "c", "--seats", "1", "--out", tmp.path("x.lic")],
            environment: ["CTICTL_LEDGER": ledger])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: ledger))
        let home = tmp.path("home")
        let viaHome = try CLI.run(
            ["license", "issue", "--key", tmp.path("keys/vendor-2026.pem"), "--product", "datev-connector", "--customer", "c", "--seats", "1", "--out", tmp.path("y.lic")],
            environment: ["HOME": home, "XDG_DATA_HOME": ""])
        #expect(viaHome.status == 0, "\(viaHome.stderr)")
        #expect(FileManager.default.fileExists(atPath: home + "/.local/share/ctictl/ledger.sqlite"))
    }

    @Test func refusesToSignWithAKeyOthersCanRead() throws {
        try generateKey()
        chmod(tmp.path("keys/vendor-2026.pem"), 0o640)
        let result = try issue()
        #expect(result.status == 1)
        #expect(result.stderr.contains("chmod 600"))
        #expect(!FileManager.default.fileExists(atPath: tmp.path("a.lic")))
    }

    @Test func keyGenerationNeverLosesAKey() throws {
        try generateKey("k1")
        let again = try CLI.run(["key", "generate", "--kid", "k1", "--dir", tmp.path("keys")])
        #expect(again.status == 64)
        #expect(again.stderr.contains("already in the keyring"))
        try generateKey("k2", alg: "ES256")
        let list = try CLI.run(["key", "list", "--keyring", tmp.path("keys/keyring.jwks")])
        #expect(list.stdout.contains("k1") && list.stdout.contains("k2"))
        #expect(FileManager.default.fileExists(atPath: tmp.path("keys/keyring.jwks.bak")))
    }

    @Test func exportGivesOpenSSLReadablePEM() throws {
        try generateKey()
        let pem = try CLI.run(["key", "export", "--kid", "vendor-2026", "--keyring", tmp.path("keys/keyring.jwks")])
        #expect(pem.stdout.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        let jwk = try CLI.run(["key", "export", "--kid", "vendor-2026", "--keyring", tmp.path("keys/keyring.jwks"), "--format", "jwk"])
        #expect(jwk.stdout.contains("\"kty\" : \"OKP\""))
        #expect(!jwk.stdout.contains("\"d\""))
    }

    @Test func privateKeysNeverAppearInOutput() throws {
        try generateKey()
        let keyText = try String(contentsOfFile: tmp.path("keys/vendor-2026.pem"), encoding: .utf8)
        let body = keyText.split(separator: "\n")[1]
        var outputs: [CLI.Result] = []
        outputs.append(try issue(["--format", "json"]))
        outputs.append(try verify("a.lic", ["--explain", "--format", "json"]))
        outputs.append(try CLI.run(["key", "list", "--keyring", tmp.path("keys/keyring.jwks"), "--format", "json"]))
        outputs.append(try CLI.run(["key", "export", "--key", tmp.path("keys/vendor-2026.pem"), "--format", "jwk"]))
        for output in outputs {
            #expect(!output.stdout.contains(body) && !output.stderr.contains(body))
        }
    }
}
