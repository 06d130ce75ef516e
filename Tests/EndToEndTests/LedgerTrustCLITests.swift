import Foundation
import Testing

/// The ledger's trust rules as a user meets them through `ctictl`: missing and foreign ledgers,
/// a damaged row, a revoked order, checkpoints and backups.
@Suite struct LedgerTrustCLITests {
    let tmp: TemporaryDirectory
    let key: String

    init() throws {
        tmp = try TemporaryDirectory()
        key = tmp.path("keys/k.pem")
        #expect(try CLI.run(["key", "generate", "--kid", "k", "--dir", tmp.path("keys"), "--ledger", tmp.path("keys.sqlite")]).status == 0)
    }

    var ledger: String { tmp.path("l.sqlite") }

    @discardableResult
    func issue(_ customer: String, order: String? = nil, ledger: String? = nil) throws -> CLI.Result {
        var arguments = ["license", "issue", "--key", key, "--product", "datev-connector", "--customer", customer, "--seats", "2",
                         "--ledger", ledger ?? self.ledger, "--out", tmp.path("\(customer)-\(UUID().uuidString).lic")]
        if let order { arguments += ["--order-id", order] }
        return try CLI.run(arguments)
    }

    func expectOneLineError(_ result: CLI.Result, status: Int32, code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("[\(code)]"), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    @Test(arguments: [["ledger", "list"], ["ledger", "show", "CTI-00000001"], ["ledger", "verify"], ["ledger", "backup", "--out", "b.sqlite"],
                      ["license", "revoke", "CTI-00000001", "--reason", "x"]])
    func aMissingLedgerIsReportedAndNotCreated(_ command: [String]) throws {
        let missing = tmp.path("nowhere/ledger.sqlite")
        expectOneLineError(try CLI.run(command + ["--ledger", missing], in: tmp.url), status: 65, code: "ledger.not-found")
        #expect(!FileManager.default.fileExists(atPath: tmp.path("nowhere")))
    }

    @Test func theFirstIssueSaysWhereTheNewLedgerIsOnce() throws {
        let first = try issue("K-1")
        #expect(first.status == 0)
        #expect(first.stderr == "ctictl: created a new ledger at \(ledger)\n")
        let second = try issue("K-2")
        #expect(second.status == 0)
        #expect(second.stderr.isEmpty)
    }

    @Test func anEmptyFileIsRefusedEverywhere() throws {
        #expect(FileManager.default.createFile(atPath: ledger, contents: Data()))
        expectOneLineError(try issue("K-1"), status: 65, code: "ledger.not-a-ledger")
        expectOneLineError(try CLI.run(["ledger", "list", "--ledger", ledger]), status: 65, code: "ledger.not-a-ledger")
        #expect(try Data(contentsOf: URL(fileURLWithPath: ledger)).isEmpty)
    }

    @Test func aDamagedRowIsOneLineNamingTableRowAndColumn() throws {
        try issue("K-1")
        try sql("UPDATE licenses SET seats = 'many'")
        let list = try CLI.run(["ledger", "list", "--ledger", ledger])
        expectOneLineError(list, status: 65, code: "ledger.row-undecodable")
        #expect(list.stderr.contains("table licenses, row 1 (CTI-00000001): column seats holds the text \"many\""), "\(list.stderr)")
        let verify = try CLI.run(["ledger", "verify", "--ledger", ledger])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("[ledger.row-undecodable]"), "\(verify.stdout)")
    }

    @Test func aRevokedOrderIsRefusedNamingItsState() throws {
        #expect(try issue("K-1", order: "O-1").status == 0)
        #expect(try CLI.run(["license", "revoke", "CTI-00000001", "--reason", "refund", "--ledger", ledger]).status == 0)
        try sql("UPDATE licenses SET status = 'active'; DELETE FROM revocations")
        let again = try issue("K-1", order: "O-1")
        expectOneLineError(again, status: 1, code: "ledger.order-revoked")
        #expect(again.stderr.contains("CTI-00000001") && again.stderr.contains("refund"), "\(again.stderr)")
        let show = try CLI.run(["ledger", "show", "CTI-00000001", "--ledger", ledger])
        #expect(show.stdout.contains("status:   revoked at "), "\(show.stdout)")
    }

    @Test func checkpointBackupAndTheNewestRowsDeleted() throws {
        for index in 1...3 { #expect(try issue("K-\(index)").status == 0) }
        let checkpoint = try CLI.run(["ledger", "checkpoint", "--key", key, "--out", tmp.path("c.ckpt"), "--ledger", ledger])
        #expect(checkpoint.status == 0, "\(checkpoint.stderr)")
        let backup = try CLI.run(["ledger", "backup", "--out", tmp.path("b.sqlite"), "--ledger", ledger, "--format", "json"])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("\"licenses\" : 3"), "\(backup.stdout)")
        let keyring = tmp.path("keys/keyring.jwks")
        #expect(try CLI.run(["ledger", "verify", "--checkpoint", tmp.path("c.ckpt"), "--keyring", keyring, "--ledger", ledger]).status == 0)
        // Someone removes the newest license and its audit rows, hiding every gap.
        try sql("""
            DELETE FROM licenses WHERE serial = 'CTI-00000003';
            DELETE FROM audit WHERE id >= (SELECT id FROM audit WHERE serial = 'CTI-00000003');
            UPDATE sqlite_sequence SET seq = (SELECT max(id) FROM audit) WHERE name = 'audit';
            UPDATE sqlite_sequence SET seq = 2 WHERE name = 'licenses';
            """)
        let guarded = try CLI.run(["ledger", "verify", "--ledger", ledger])
        #expect(guarded.status == 1 && guarded.stdout.contains("[ledger.behind-head]"), "\(guarded.stdout)")
        expectOneLineError(try issue("K-4"), status: 1, code: "ledger.behind-head")
        try FileManager.default.removeItem(atPath: ledger + ".head")  // as an attacker would
        #expect(try CLI.run(["ledger", "verify", "--ledger", ledger]).status == 0)
        let caught = try CLI.run(["ledger", "verify", "--checkpoint", tmp.path("c.ckpt"), "--keyring", keyring, "--ledger", ledger])
        #expect(caught.status == 1)
        #expect(caught.stdout.contains("[ledger.checkpoint-rows-missing]") && caught.stdout.contains("CTI-00000003"), "\(caught.stdout)")
        // The backup still has it all.
        #expect(try CLI.run(["ledger", "verify", "--checkpoint", tmp.path("c.ckpt"), "--keyring", keyring, "--ledger", tmp.path("b.sqlite")]).status == 0)
        expectOneLineError(
            try CLI.run(["ledger", "backup", "--out", tmp.path("b.sqlite"), "--ledger", ledger]), status: 64, code: "file.exists")
        expectOneLineError(
            try CLI.run(["ledger", "verify", "--checkpoint", tmp.path("c.ckpt"), "--ledger", ledger]), status: 64, code: "usage.keyring-missing")
    }

    /// Edits the ledger as someone with sqlite3 would (Python's sqlite3 where sqlite3 is missing).
    func sql(_ statements: String) throws {
        let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.executescript(sys.argv[2])\nc.commit()\n"
        let result = try Process.runCapturing("/usr/bin/env", ["python3", "-c", script, ledger, statements])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
