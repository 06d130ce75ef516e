import Foundation
import Testing

/// The issuer signs only what its verifier accepts, checks everything it can before signing
/// or committing, names what the user typed, and leaves files as it found them: links kept,
/// no temporary files of killed runs.
@Suite(.serialized) final class IssuerGuardTests {
    let tmp: TemporaryDirectory
    var ledger: String { tmp.path("ledger.sqlite") }
    var key: String { tmp.path("keys/k.pem") }

    init() throws {
        tmp = try TemporaryDirectory()
        let generated = try CLI.run(["key", "generate", "--kid", "k", "--dir", tmp.path("keys"), "--ledger", tmp.path("keys-ledger.sqlite")])
        #expect(generated.status == 0, "\(generated.stderr)")
    }

    func issue(_ extra: [String], out: String? = nil) throws -> CLI.Result {
        try CLI.run(["license", "issue", "--key", key, "--customer", "K-1", "--ledger", ledger, "--out", out ?? tmp.path("x.lic")] + extra)
    }

    /// Refused with exit 64, one line, the code, and nothing signed: no ledger, no file.
    func expectRefusedBeforeSigning(_ result: CLI.Result, code: String, naming: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 64, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("[\(code)]"), "\(result.stderr)", sourceLocation: sourceLocation)
        for text in naming { #expect(result.stderr.contains(text), "\(result.stderr)", sourceLocation: sourceLocation) }
        #expect(!FileManager.default.fileExists(atPath: ledger), "a ledger was created", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: tmp.path("x.lic")), sourceLocation: sourceLocation)
    }

    @Test func beyondTheLimitsNothingIsSignedAndTheOptionIsNamed() throws {
        expectRefusedBeforeSigning(
            try issue(["--product", "datev-connector", "--seats", "1000001"]), code: "claim.out-of-range", naming: ["--seats is 1000001; it must be 1 to 1000000"])
        expectRefusedBeforeSigning(
            try issue(["--product", "datev-connector", "--seats", "1", "--customer-name", "Evil\u{1B}]0;VERIFIED\u{07}"]),
            code: "claim.control-character", naming: ["--customer-name contains the control character U+001B"])
        expectRefusedBeforeSigning(
            try issue(["--product", "datev-connector", "--seats", "1", "--feature", String(repeating: "f", count: 65)]),
            code: "claim.too-long", naming: ["--feature is 65 characters long; at most 64"])
    }

    @Test func anExpiryBeforeTheStartNamesTheOptions() throws {
        expectRefusedBeforeSigning(
            try issue(["--product", "datev-connector", "--seats", "1", "--expires", "2025-01-01"]), code: "claim.expiry-before-start",
            naming: ["--expires 2025-01-01 is not after the start, now (", "as no --not-before is given"])
        expectRefusedBeforeSigning(
            try issue(["--product", "datev-connector", "--seats", "1", "--not-before", "2025-03-01", "--expires", "2025-01-01"]),
            code: "claim.expiry-before-start", naming: ["--expires 2025-01-01 is not after the start, --not-before 2025-03-01"])
    }

    @Test func aMistypedProductIsRefusedWithTheNearest() throws {
        expectRefusedBeforeSigning(
            try issue(["--product", "datev-conector", "--seats", "1"]), code: "license.unknown-product",
            naming: ["did you mean datev-connector?", "connector365-cti, crm-groupware, datev-connector"])
        // The catalog folder decides: a product of its own is known there.
        try FileManager.default.createDirectory(atPath: tmp.path("catalogs/new-product"), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: tmp.path("catalogs/new-product/releases.json"), contents: Data("{}".utf8)))
        expectRefusedBeforeSigning(
            try issue(["--product", "datev-connector", "--seats", "1", "--catalog-dir", tmp.path("catalogs")]), code: "license.unknown-product",
            naming: ["the products are new-product"])
        let issued = try issue(["--product", "new-product", "--seats", "1", "--catalog-dir", tmp.path("catalogs")])
        #expect(issued.status == 0, "\(issued.stderr)")
    }

    @Test func anOutThatCannotBeWrittenIsRefusedBeforeSigning() throws {
        expectRefusedBeforeSigning(
            try issue(["--product", "datev-connector", "--seats", "1"], out: tmp.path("missing/x.lic")), code: "usage.out-unwritable",
            naming: ["the directory \(tmp.path("missing")) does not exist", "nothing was issued"])
        expectRefusedBeforeSigning(
            try issue(["--product", "datev-connector", "--seats", "1"], out: tmp.path("keys")), code: "usage.out-unwritable", naming: ["is a directory"])
        expectRefusedBeforeSigning(
            try issue(["--product", "datev-connector", "--seats", "1"], out: "/dev/null"), code: "usage.out-unwritable", naming: ["not a regular file"])
    }

    /// The file fails after the commit (its backup cannot be made): the error names the
    /// serial, and `ledger show --out` writes the file exactly as issued, which verifies.
    @Test func aFileThatFailsAfterTheCommitNamesTheSerialAndHowToWriteIt() throws {
        #expect(FileManager.default.createFile(atPath: tmp.path("x.lic"), contents: Data("old".utf8)))
        try FileManager.default.createDirectory(atPath: tmp.path("x.lic.bak"), withIntermediateDirectories: false)
        let failed = try issue(["--product", "datev-connector", "--seats", "1"])
        #expect(failed.status != 0 && failed.status != 64)
        #expect(failed.stderr.contains("CTI-00000001 is issued and recorded in the ledger; `ctictl ledger show CTI-00000001 --out FILE` writes its license file"), "\(failed.stderr)")
        let shown = try CLI.run(["ledger", "show", "CTI-00000001", "--ledger", ledger, "--out", tmp.path("again.lic")])
        #expect(shown.status == 0 && shown.stdout.hasPrefix("Wrote the license file of CTI-00000001 (active) to "), "\(shown.stdout)\(shown.stderr)")
        let verified = try CLI.run(["license", "verify", tmp.path("again.lic"), "--keyring", tmp.path("keys/keyring.jwks")])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    @Test func renewAndReissueNameTheirOptionsToo() throws {
        #expect(try issue(["--product", "datev-connector", "--seats", "1"]).status == 0)
        let renewed = try CLI.run([
            "license", "renew", "CTI-00000001", "--key", key, "--expires", "2020-01-01", "--ledger", ledger, "--out", tmp.path("renewed.lic"),
        ])
        #expect(renewed.status == 64, "\(renewed.stderr)")
        #expect(renewed.stderr.contains("--expires 2020-01-01 is not after the start, now ("), "\(renewed.stderr)")
        #expect(renewed.stderr.contains("[claim.expiry-before-start]"))
        let missing = try CLI.run([
            "license", "renew", "CTI-00000001", "--key", key, "--expires", "2099-01-01", "--ledger", ledger, "--out", tmp.path("no/renewed.lic"),
        ])
        #expect(missing.status == 64 && missing.stderr.contains("[usage.out-unwritable]"), "\(missing.stderr)")
        let reissue = ["license", "reissue", "CTI-00000001", "--key", key, "--ledger", ledger, "--out", tmp.path("reissued.lic")]
        let badFeature = try CLI.run(reissue + ["--feature", "call\u{7F}notes"])
        #expect(badFeature.status == 64 && badFeature.stderr.contains("--feature contains the control character U+007F"), "\(badFeature.stderr)")
        let requiredAlone = try CLI.run(reissue + ["--pbx-required", "1"])
        #expect(requiredAlone.status == 64 && requiredAlone.stderr.contains("[usage.pbx-required]"), "\(requiredAlone.stderr)")
        let tooMany = try CLI.run(reissue + ["--pbx-id", "SF-1", "--pbx-required", "2"])
        #expect(tooMany.status == 64 && tooMany.stderr.contains("--pbx-required is 2; it must be 1 to 1"), "\(tooMany.stderr)")
        let list = try CLI.run(["ledger", "list", "--ledger", ledger, "--format", "json"])
        #expect(!list.stdout.contains("CTI-00000002"), "a renewal or re-issue was made: \(list.stdout)")
    }

    @Test func theBatchReportsEveryProblemOfARow() throws {
        let csv = "order_id,customer_id,customer_name,product,seats,expires,not_before\nA,K-1,Evil\u{1B}[2J,datev-conector,many,2025-01-01,2025-06-01\nB,K-2,,datev-connector,2,,\n"
        #expect(FileManager.default.createFile(atPath: tmp.path("orders.csv"), contents: Data(csv.utf8)))
        // An --out-dir that is a file is refused before anything is issued.
        #expect(FileManager.default.createFile(atPath: tmp.path("not-a-dir"), contents: Data()))
        let refused = try CLI.run(["license", "issue", "--batch", tmp.path("orders.csv"), "--key", key, "--ledger", ledger, "--out-dir", tmp.path("not-a-dir")])
        #expect(refused.status == 64 && refused.stderr.contains("[usage.out-unwritable]"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ledger))
        let result = try CLI.run(["license", "issue", "--batch", tmp.path("orders.csv"), "--key", key, "--ledger", ledger, "--dry-run"])
        #expect(result.status == 1)
        let row = result.stdout.split(separator: "\n").first { $0.hasPrefix("row 2") }.map(String.init) ?? ""
        for part in [
            "column seats: \"many\" is not a whole number", "column customer_name: contains the control character U+001B",
            "column expires: 2025-01-01 is not after the start, not_before 2025-06-01", "column product: \"datev-conector\" is not a known product; did you mean datev-connector?",
        ] {
            #expect(row.contains(part), "\(row)")
        }
        #expect(result.stdout.contains("row 3 (B): would issue"))
    }

    /// A keyring kept elsewhere and linked in stays linked: the file it points to is updated,
    /// with the backup beside it.
    @Test func aSymlinkedKeyringIsUpdatedWhereItPoints() throws {
        try FileManager.default.createDirectory(atPath: tmp.path("shared"), withIntermediateDirectories: false)
        try FileManager.default.moveItem(atPath: tmp.path("keys/keyring.jwks"), toPath: tmp.path("shared/keyring.jwks"))
        try FileManager.default.createSymbolicLink(atPath: tmp.path("keys/keyring.jwks"), withDestinationPath: "../shared/keyring.jwks")
        let second = try CLI.run(["key", "generate", "--kid", "k2", "--dir", tmp.path("keys"), "--ledger", tmp.path("keys-ledger.sqlite")])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: tmp.path("keys/keyring.jwks")) == "../shared/keyring.jwks")
        let ring = try String(contentsOfFile: tmp.path("shared/keyring.jwks"), encoding: .utf8)
        #expect(ring.contains("\"k\"") && ring.contains("\"k2\""))
        #expect(FileManager.default.fileExists(atPath: tmp.path("shared/keyring.jwks.bak")))
        #expect(!FileManager.default.fileExists(atPath: tmp.path("keys/keyring.jwks.bak")))
    }

    /// A run killed between writing its temporary file and renaming it leaves the file; the
    /// next run that writes into that directory removes it.
    @Test func aTemporaryFileOfAKilledRunIsGoneAfterTheNextRun() throws {
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let stale = tmp.path("keys/.keyring.jwks.ctictl-tmp-\(ended.processIdentifier)-Ab12Cd")
        #expect(FileManager.default.createFile(atPath: stale, contents: Data("{\"keys\":[".utf8)))
        let next = try CLI.run(["key", "generate", "--kid", "k3", "--dir", tmp.path("keys"), "--ledger", tmp.path("keys-ledger.sqlite")])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale))
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path("keys")).filter { $0.contains("tmp") }
        #expect(left.isEmpty, "\(left)")
    }
}
