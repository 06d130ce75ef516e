import Foundation
import Testing

/// `license verify --release VERSION --catalog FILE`: the client names its version, the signed
/// release catalog gives the date, the maintenance policy decides and names what is covered.
@Suite struct ReleaseMaintenanceTests {
    let tmp: TemporaryDirectory

    init() throws {
        tmp = try TemporaryDirectory()
        #expect(try CLI.run(["key", "generate", "--kid", "vendor-2026", "--dir", tmp.path("keys")]).status == 0)
        let issued = try CLI.run(
            ["license", "issue", "--key", tmp.path("keys/vendor-2026.pem"), "--product", "datev-connector", "--customer", "K-2", "--seats", "5",
             "--maintenance-until", "2019-09-13", "--ledger", tmp.path("l.sqlite"), "--out", tmp.path("maint.lic")])
        #expect(issued.status == 0, "\(issued.stderr)")
        let signed = try CLI.run(
            ["catalog", "sign", "--product", "datev-connector", "--key", tmp.path("keys/vendor-2026.pem"), "--out", tmp.path("catalog.txt")])
        #expect(signed.status == 0, "\(signed.stderr)")
    }

    func verify(_ extra: [String]) throws -> CLI.Result {
        try CLI.run(["license", "verify", tmp.path("maint.lic"), "--keyring", tmp.path("keys/keyring.jwks")] + extra)
    }

    @Test func theCatalogDatesTheReleaseAndTheRefusalNamesTheNewestCovered() throws {
        let covered = try verify(["--release", "2.6", "--catalog", tmp.path("catalog.txt")])
        #expect(covered.status == 0, "\(covered.stdout)\(covered.stderr)")
        let newer = try verify(["--release", "2.6.1", "--catalog", tmp.path("catalog.txt"), "--format", "json"])
        #expect(newer.status == 1)
        #expect(newer.stdout.contains("Release 2.6.1 was published 2020-04-03; the license covers releases published up to 2019-09-13; the newest of them is 2.6, published 2019-09-13."))
    }

    @Test func anEditableCatalogIsNotTrusted() throws {
        let unsigned = try verify(["--release", "2.6.1", "--catalog", CLI.packageRoot.appendingPathComponent("config-schemas/datev-connector/releases.json").path])
        #expect(unsigned.status == 64)
        #expect(unsigned.stderr.contains("[catalog.unsigned]"))
        // The same refusal from `catalog verify`: the plain catalog is not its signed form.
        let plain = try CLI.run(
            ["catalog", "verify", CLI.packageRoot.appendingPathComponent("config-schemas/datev-connector/releases.json").path,
             "--keyring", tmp.path("keys/keyring.jwks")])
        #expect(plain.status == 64)
        #expect(plain.stderr.contains("is an unsigned catalog (JSON)") && plain.stderr.contains("[catalog.unsigned]"), "\(plain.stderr)")
        // A signed catalog edited afterwards (2.6.1 backdated into the maintenance period).
        var text = try String(contentsOfFile: tmp.path("catalog.txt"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // The middle line of the token: inside the signed catalog, far from header and signature.
        let body = lines.indices.filter { lines[$0].count == 64 && !lines[$0].hasPrefix("-") }
        #expect(body.count > 10)
        let line = body[body.count / 2]
        var edited = Array(lines[line])
        edited[10] = edited[10] == "A" ? "B" : "A"
        text = (lines[..<line] + [Substring(String(edited))] + lines[(line + 1)...]).joined(separator: "\n")
        try text.write(toFile: tmp.path("edited.txt"), atomically: true, encoding: .utf8)
        let tampered = try verify(["--release", "2.6.1", "--catalog", tmp.path("edited.txt")])
        // Refused by the signature check before any verdict on the license is printed.
        #expect(tampered.status == 1, "\(tampered.stderr)")
        #expect(tampered.stderr.hasSuffix("[jws.signature-invalid]\n"), "\(tampered.stderr)")
        #expect(tampered.stdout.isEmpty, "\(tampered.stdout)")
    }

    @Test func misuseIsAUsageError() throws {
        let catalog = tmp.path("catalog.txt")
        for (arguments, code) in [
            (["--release", "2.6"], "usage.missing"),
            (["--release", "2.6", "--catalog", catalog, "--release-date", "2019-01-01"], "usage.conflict"),
            (["--release", "2.6", "--catalog", catalog, "--product", "crm-groupware"], "usage.conflict"),
            (["--release", "9.9", "--catalog", catalog], "compat.unknown-release"),
        ] {
            let result = try verify(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains("[\(code)]"), "\(arguments): \(result.stderr)")
        }
    }
}
