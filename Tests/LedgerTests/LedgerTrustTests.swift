import CTICore
import Foundation
import GRDB
import Licensing
import Signing
import Testing
@testable import Ledger

/// The ledger as an attacker with sqlite3 and a careless user meet it: every column that a
/// command shows or acts on is covered, wrong types are errors and findings (never traps),
/// files that are not ledgers are refused, and the newest rows cannot vanish unseen.
@Suite final class LedgerTrustTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trust-\(UUID().uuidString)").path
    let issuer = LicenseIssuer(key: .generate(.eddsa), kid: "k")
    let now: Int64 = 1_790_000_000

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var path: String { directory + "/l.sqlite" }

    /// Three licenses (one with a name and an order), the second revoked, the third superseded.
    func ledgerWithHistory() throws -> LicenseLedger {
        let ledger = try LicenseLedger(path: path, mode: .createIfMissing)
        for index in 1...3 {
            _ = try ledger.issue(
                LicenseRequest(customerID: "K-\(index)", customerName: "Kunde \(index)", product: "p", seats: index, orderID: "O-\(index)"),
                with: issuer, now: now + Int64(index))
        }
        try ledger.revoke(serial: "CTI-00000002", reason: "refund", now: now + 10)
        _ = try ledger.supersede("CTI-00000003", with: issuer, now: now + 20) { $0.seats = 9 }
        return ledger
    }

    /// Removes the newest license (CTI-00000004, which superseded CTI-00000003) with every
    /// audit row from its issue on, and hides every gap: the chain that is left is consistent.
    func deleteTheNewestLicense() throws {
        try tamper("""
            DELETE FROM licenses WHERE serial = 'CTI-00000004';
            UPDATE licenses SET status = 'active' WHERE serial = 'CTI-00000003';
            DELETE FROM audit WHERE id >= (SELECT id FROM audit WHERE serial = 'CTI-00000004');
            UPDATE sqlite_sequence SET seq = (SELECT max(id) FROM audit) WHERE name = 'audit';
            UPDATE sqlite_sequence SET seq = 3 WHERE name = 'licenses';
            """)
    }

    func tamper(_ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
    }

    // MARK: - Every column a command shows or acts on

    static let columnEdits: [(column: String, sql: String, code: String)] = [
        ("customer_id", "UPDATE licenses SET customer_id = 'K-X' WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("customer_name", "UPDATE licenses SET customer_name = 'Evil GmbH' WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("product", "UPDATE licenses SET product = 'q' WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("seats", "UPDATE licenses SET seats = 99 WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("kid", "UPDATE licenses SET kid = 'other-key' WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("issued_at", "UPDATE licenses SET issued_at = 5 WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("expires_at", "UPDATE licenses SET expires_at = 2000000000 WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("order_id", "UPDATE licenses SET order_id = 'O-99' WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("request_json", "UPDATE licenses SET request_json = replace(request_json, '\"seats\":1', '\"seats\":7') WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("claims_json", "UPDATE licenses SET claims_json = replace(claims_json, '\"seats\":1', '\"seats\":7') WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("serial/id", "UPDATE licenses SET id = 40 WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("token", "UPDATE licenses SET token = token || 'x' WHERE serial = 'CTI-00000001'", "ledger.license-edited"),
        ("status", "UPDATE licenses SET status = 'active' WHERE serial = 'CTI-00000002'", "ledger.status-edited"),
        ("status", "UPDATE licenses SET status = 'revoked' WHERE serial = 'CTI-00000001'", "ledger.status-edited"),
        ("revoked_at", "UPDATE revocations SET revoked_at = 1 WHERE serial = 'CTI-00000002'", "ledger.revocation-edited"),
        ("reason", "UPDATE revocations SET reason = 'never mind' WHERE serial = 'CTI-00000002'", "ledger.revocation-edited"),
    ]

    @Test(arguments: columnEdits.indices)
    func eachEditedColumnIsNamed(_ index: Int) throws {
        let edit = Self.columnEdits[index]
        let ledger = try ledgerWithHistory()
        #expect(try ledger.verify().isEmpty)
        try tamper(edit.sql)
        let problems = try ledger.verify()
        #expect(problems.map(\.code) == [edit.code], "\(edit.column): \(problems)")
        if edit.code == "ledger.license-edited" && edit.column != "token" {
            #expect(problems.first?.message.contains(edit.column) == true, "\(problems)")
        }
    }

    @Test func anEditedStatusNeverUnrevokes() throws {
        let ledger = try ledgerWithHistory()
        try tamper("UPDATE licenses SET status = 'active' WHERE serial = 'CTI-00000002'; DELETE FROM revocations")
        let entry = try #require(try ledger.entry(serial: "CTI-00000002"))
        #expect(entry.status == .revoked)
        #expect(entry.revocationReason == "refund")
        #expect(try ledger.entries(matching: .init(status: .active)).map(\.serial) == ["CTI-00000001", "CTI-00000004"])
        #expect(throws: CTIFailure.self) { try ledger.supersede("CTI-00000002", with: self.issuer, now: self.now + 30) { $0.seats = 5 } }
        #expect(throws: CTIFailure.self) { try ledger.revoke(serial: "CTI-00000002", reason: "again", now: self.now + 30) }
        // The next revocation list still carries it.
        let exported = try ledger.exportRevocations(key: issuer.key, kid: "k", now: now + 40)
        #expect(exported.claims.revoked.map(\.jti) == ["CTI-00000002"])
        #expect(Set(try ledger.verify().map(\.code)) == ["ledger.status-edited", "ledger.revocation-deleted"])
    }

    @Test func anEditedStatusNeverReopensASupersededLicense() throws {
        let ledger = try ledgerWithHistory()
        try tamper("UPDATE licenses SET status = 'active' WHERE serial = 'CTI-00000003'")
        #expect(try ledger.entry(serial: "CTI-00000003")?.status == .superseded)
        #expect(try ledger.entry(serial: "CTI-00000003")?.supersededBy == "CTI-00000004")
        #expect {
            try ledger.supersede("CTI-00000003", with: self.issuer, now: self.now + 30) { $0.seats = 5 }
        } throws: { ($0 as? CTIFailure)?.code == "ledger.superseded" && ($0 as? CTIFailure)?.message.contains("CTI-00000004") == true }
    }

    // MARK: - Re-issuing an order that no longer counts

    @Test func aRevokedOrderIsNotHandedBack() throws {
        let ledger = try ledgerWithHistory()
        let request = LicenseRequest(customerID: "K-2", customerName: "Kunde 2", product: "p", seats: 2, orderID: "O-2")
        #expect {
            _ = try ledger.issue(request, with: self.issuer, now: self.now + 50)
        } throws: { error in
            let error = error as? CTIFailure
            return error?.code == "ledger.order-revoked" && error?.kind == .invalid && error?.message.contains("CTI-00000002") == true
                && error?.message.contains("refund") == true
        }
    }

    @Test func aSupersededOrderNamesItsReplacement() throws {
        let ledger = try ledgerWithHistory()
        let request = LicenseRequest(customerID: "K-3", customerName: "Kunde 3", product: "p", seats: 3, orderID: "O-3")
        #expect {
            _ = try ledger.issue(request, with: self.issuer, now: self.now + 50)
        } throws: { error in
            (error as? CTIFailure)?.code == "ledger.order-superseded" && (error as? CTIFailure)?.message.contains("CTI-00000004") == true
        }
    }

    @Test func theBatchReportsRevokedAndSupersededOrdersPerRow() throws {
        let ledger = try ledgerWithHistory()
        let requests = (1...3).map { LicenseRequest(customerID: "K-\($0)", customerName: "Kunde \($0)", product: "p", seats: $0, orderID: "O-\($0)") }
        let results = try ledger.issueBatch(requests, with: issuer, now: now + 60)
        #expect(results.count == 3)
        #expect((try? results[0].get())?.isNew == false)
        #expect(results[1].failure?.code == "ledger.order-revoked")
        #expect(results[2].failure?.code == "ledger.order-superseded")
    }

    // MARK: - Values of the wrong type

    static let wrongTypes: [(sql: String, table: String, column: String)] = [
        ("UPDATE licenses SET seats = 'many' WHERE serial = 'CTI-00000001'", "licenses", "seats"),
        ("UPDATE licenses SET seats = 2.5 WHERE serial = 'CTI-00000001'", "licenses", "seats"),
        ("UPDATE licenses SET issued_at = 'yesterday' WHERE serial = 'CTI-00000001'", "licenses", "issued_at"),
        ("UPDATE licenses SET expires_at = 'soon' WHERE serial = 'CTI-00000001'", "licenses", "expires_at"),
        ("UPDATE licenses SET status = 'paused' WHERE serial = 'CTI-00000001'", "licenses", "status"),
        ("UPDATE licenses SET token = NULL WHERE serial = 'CTI-00000001'", "licenses", "token"),
        ("UPDATE licenses SET customer_name = X'FFFE00' WHERE serial = 'CTI-00000001'", "licenses", "customer_name"),
        ("UPDATE revocations SET revoked_at = 'then'", "revocations", "revoked_at"),
        ("UPDATE audit SET at = 'noon' WHERE id = 1", "audit", "at"),
    ]

    /// SQLite keeps whatever it is given (a NOT NULL column is rebuilt without the constraint
    /// first, as someone with sqlite3 could).
    func dropNotNull() throws {
        try tamper("""
            PRAGMA writable_schema = ON;
            UPDATE sqlite_master SET sql = replace(sql, 'token TEXT NOT NULL', 'token TEXT') WHERE name = 'licenses';
            """)
    }

    @Test(arguments: wrongTypes.indices)
    func aWrongTypedColumnIsAClearErrorAndAFinding(_ index: Int) throws {
        let edit = Self.wrongTypes[index]
        let ledger = try ledgerWithHistory()
        try dropNotNull()
        try tamper(edit.sql)
        let reopened = try LicenseLedger(path: path, mode: .existing)
        if edit.table == "licenses" {
            #expect {
                _ = try reopened.entries()
            } throws: { error in
                guard let error = error as? CTIFailure else { return false }
                return error.code == "ledger.row-undecodable" && error.kind == .malformedInput && error.message.hasPrefix(self.path)
                    && error.message.contains("table licenses, row 1 (CTI-00000001)") && error.message.contains("column \(edit.column)")
            }
        }
        let problems = try reopened.verify()
        #expect(problems.contains { $0.code == "ledger.row-undecodable" && $0.message.contains("table \(edit.table)") && $0.message.contains("column \(edit.column)") }, "\(problems)")
        _ = ledger
    }

    /// A value GRDB cannot convert in a query that reads no record (a count, an identifier)
    /// is the same error as an undecodable row (65), not an internal one.
    @Test func aWrongValueOutsideARecordIsMalformedInputToo() throws {
        let ledger = try ledgerWithHistory()
        #expect {
            _ = try ledger.read { db in try String.fetchAll(db, sql: "SELECT NULL AS serial") }
        } throws: { error in
            let error = error as? CTIFailure
            return error?.errorCode == .ledgerRowUndecodable && error?.kind == .malformedInput && error?.message.contains("column serial") == true
        }
    }

    // MARK: - Files that are not ledgers, and paths that do not exist

    @Test func aMissingLedgerIsNotCreatedByReaders() throws {
        let missing = directory + "/sub/none.sqlite"
        #expect {
            _ = try LicenseLedger(path: missing, mode: .existing)
        } throws: { ($0 as? CTIFailure)?.code == "ledger.not-found" && ($0 as? CTIFailure)?.kind == .malformedInput }
        #expect(!FileManager.default.fileExists(atPath: directory + "/sub"))
        #expect(!FileManager.default.fileExists(atPath: missing + ".lock"))
    }

    @Test func onlyAMissingPathBecomesANewLedger() throws {
        let ledger = try LicenseLedger(path: path, mode: .createIfMissing)
        #expect(ledger.wasCreated)
        #expect(try LicenseLedger(path: path, mode: .createIfMissing).wasCreated == false)
    }

    static let notLedgers: [(name: String, bytes: [UInt8])] = [
        ("empty", []),
        ("garbage", Array("this is a spreadsheet, honest\n".utf8) + Array(repeating: 0x42, count: 5000)),
    ]

    @Test(arguments: notLedgers.indices)
    func aFileThatIsNotALedgerIsNeverTurnedIntoOne(_ index: Int) throws {
        try SafeFile.makeDirectory(directory)
        let file = directory + "/\(Self.notLedgers[index].name).sqlite"
        try SafeFile.write(Self.notLedgers[index].bytes, to: file)
        for mode in [LicenseLedger.OpenMode.existing, .createIfMissing] {
            #expect {
                _ = try LicenseLedger(path: file, mode: mode)
            } throws: { ($0 as? CTIFailure)?.code == "ledger.not-a-ledger" && ($0 as? CTIFailure)?.kind == .malformedInput }
        }
        #expect(try SafeFile.read(file) == Self.notLedgers[index].bytes)
        #expect(!FileManager.default.fileExists(atPath: file + ".lock"))
    }

    /// A first issue killed before its migration committed leaves, beside the lock, a database
    /// with GRDB's bookkeeping only: nothing was stored, so it becomes the ledger. Any table of
    /// data makes it another database, refused.
    @Test func whatAKilledCreationLeftBecomesTheLedger() throws {
        try SafeFile.makeDirectory(directory)
        try SafeFile.write([], to: path + ".lock")
        let leftover = try DatabaseQueue(path: path)
        try leftover.write { try $0.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)") }
        try leftover.close()
        let ledger = try LicenseLedger(path: path, mode: .createIfMissing)
        #expect(try ledger.issue(LicenseRequest(customerID: "K-1", product: "p", seats: 1), with: issuer, now: now).entry.serial == "CTI-00000001")

        let other = directory + "/other.sqlite"
        try SafeFile.write([], to: other + ".lock")
        let foreign = try DatabaseQueue(path: other)
        try foreign.write { try $0.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); CREATE TABLE contacts (name TEXT)") }
        try foreign.close()
        #expect { _ = try LicenseLedger(path: other, mode: .createIfMissing) } throws: { ($0 as? CTIFailure)?.code == "ledger.not-a-ledger" }
    }

    @Test func anotherSQLiteDatabaseIsLeftAlone() throws {
        try SafeFile.makeDirectory(directory)
        let file = directory + "/crm.sqlite"
        let other = try DatabaseQueue(path: file)
        try other.write { try $0.execute(sql: "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('A')") }
        try other.close()
        let before = try SafeFile.read(file)
        #expect {
            _ = try LicenseLedger(path: file, mode: .createIfMissing)
        } throws: { ($0 as? CTIFailure)?.code == "ledger.not-a-ledger" }
        #expect(try SafeFile.read(file) == before)
    }

    // MARK: - SQLite's own integrity check

    @Test func verifyRunsSQLitesIntegrityCheck() throws {
        let ledger = try ledgerWithHistory()
        #expect(try ledger.verify().isEmpty)
        // An index that no longer matches its table, as a damaged page would leave it.
        try tamper("""
            PRAGMA writable_schema = ON;
            UPDATE sqlite_master SET sql = 'CREATE INDEX licenses_product ON licenses(customer_id)' WHERE name = 'licenses_product';
            """)
        let problems = try LicenseLedger(path: path, mode: .existing).verify()
        #expect(problems.contains { $0.code == "ledger.sqlite-integrity" && $0.message.contains("licenses_product") }, "\(problems)")
    }

    // MARK: - Checkpoints: the newest rows cannot vanish unseen

    var keyring: Keyring { Keyring(keys: [JWK(kid: "k", key: issuer.key.publicKey)]) }

    func checkpoint(_ ledger: LicenseLedger) throws -> VerifiedCheckpoint {
        let (text, _) = try ledger.checkpoint(key: issuer.key, kid: "k", now: now + 100)
        return try LedgerCheckpointVerifier(keyring: keyring).verify(Array(text.utf8), source: "c.ckpt")
    }

    @Test func aCheckpointProvesTheHeadIsStillThere() throws {
        let ledger = try ledgerWithHistory()
        let signed = try checkpoint(ledger)
        #expect(signed.claims.lastSerial == "CTI-00000004")
        #expect(signed.claims.licenses == 4)
        _ = try ledger.issue(LicenseRequest(customerID: "K-5", product: "p", seats: 1), with: issuer, now: now + 200)
        #expect(try ledger.verify(checkpoint: signed).isEmpty)
    }

    @Test func deletingTheNewestRowsIsFoundOnlyWithTheCheckpoint() throws {
        let ledger = try ledgerWithHistory()
        let signed = try checkpoint(ledger)
        // Remove the newest license and every audit row from its issue on, and hide the gap
        // in the sequence too: the chain that is left is perfectly consistent.
        try deleteTheNewestLicense()
        try FileManager.default.removeItem(atPath: path + ".head")  // an attacker removes the guard too
        #expect(try ledger.verify().isEmpty)
        let problems = try ledger.verify(checkpoint: signed)
        #expect(problems.map(\.code) == ["ledger.checkpoint-rows-missing"])
        #expect(problems.first?.message.contains("after CTI-00000003 up to CTI-00000004") == true, "\(problems)")
    }

    /// Without the attacker's care, the head beside the ledger sees the same, and nothing more
    /// is issued: the next serial would be one a customer already holds.
    @Test func aLedgerBehindItsHeadIssuesNothing() throws {
        let ledger = try ledgerWithHistory()
        try deleteTheNewestLicense()
        let problems = try ledger.verify()
        #expect(problems.map(\.code) == ["ledger.behind-head"], "\(problems)")
        #expect {
            _ = try ledger.issue(LicenseRequest(customerID: "K-9", product: "p", seats: 1), with: self.issuer, now: self.now + 500)
        } throws: { error in
            let error = error as? CTIFailure
            return error?.code == "ledger.behind-head" && error?.message.contains("serial CTI-00000004") == true
        }
        #expect(try ledger.entries().count == 3)
    }

    @Test func aRewrittenChainDoesNotMatchTheCheckpoint() throws {
        let ledger = try ledgerWithHistory()
        let signed = try checkpoint(ledger)
        try tamper("UPDATE audit SET hash = '\(String(repeating: "f", count: 64))' WHERE id = \(signed.claims.auditRows)")
        #expect(try ledger.verify(checkpoint: signed).map(\.code).contains("ledger.checkpoint-mismatch"))
    }

    @Test func aCheckpointFromAnotherKeyIsNotTrusted() throws {
        let ledger = try ledgerWithHistory()
        let (text, _) = try ledger.checkpoint(key: issuer.key, kid: "k", now: now + 100)
        let stranger = Keyring(keys: [JWK(kid: "k", key: PrivateSigningKey.generate(.eddsa).publicKey)])
        #expect { try LedgerCheckpointVerifier(keyring: stranger).verify(Array(text.utf8), source: "c.ckpt") } throws: {
            ($0 as? CTIFailure)?.code == "jws.signature-invalid"
        }
        #expect { try LedgerCheckpointVerifier(keyring: Keyring()).verify(Array(text.utf8), source: "c.ckpt") } throws: {
            ($0 as? CTIFailure)?.code == "jws.unknown-key"
        }
    }

    @Test func aLedgerThatDoesNotVerifyGetsNoCheckpoint() throws {
        let ledger = try ledgerWithHistory()
        try tamper("UPDATE licenses SET seats = 99 WHERE serial = 'CTI-00000001'")
        #expect { _ = try ledger.checkpoint(key: self.issuer.key, kid: "k", now: self.now) } throws: {
            ($0 as? CTIFailure)?.code == "checkpoint.ledger-not-intact"
        }
    }

    // MARK: - Backups

    @Test func aBackupIsAVerifiedCopyAndNeverReplacesAFile() throws {
        let ledger = try ledgerWithHistory()
        let copy = directory + "/backup.sqlite"
        let summary = try ledger.backup(to: copy)
        #expect(summary.licenses == 4)
        #expect(summary.problems.isEmpty)
        let restored = try LicenseLedger(path: copy, mode: .existing)
        #expect(try restored.entries() == (try ledger.entries()))
        #expect(try restored.verify().isEmpty)
        #expect(throws: FileError.self) { _ = try ledger.backup(to: copy) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(".ctictl-backup") }
        #expect(leftovers.isEmpty)
    }

    @Test func aRestoredOlderBackupTellsWhatIsMissing() throws {
        let ledger = try ledgerWithHistory()
        let copy = directory + "/backup.sqlite"
        _ = try ledger.backup(to: copy)
        _ = try ledger.issue(LicenseRequest(customerID: "K-5", product: "p", seats: 1), with: issuer, now: now + 200)
        _ = try ledger.issue(LicenseRequest(customerID: "K-6", product: "p", seats: 1), with: issuer, now: now + 201)
        let signed = try checkpoint(ledger)
        let problems = try LicenseLedger(path: copy, mode: .existing).verify(checkpoint: signed)
        #expect(problems.map(\.code) == ["ledger.checkpoint-rows-missing"])
        #expect(problems.first?.message.contains("after CTI-00000004 up to CTI-00000006") == true, "\(problems)")
    }

    @Test func aRestoreNeverHandsOutALostSerialAgain() throws {
        let ledger = try ledgerWithHistory()
        let copy = directory + "/backup.sqlite"
        _ = try ledger.backup(to: copy)
        for index in 5...6 {
            _ = try ledger.issue(LicenseRequest(customerID: "K-\(index)", product: "p", seats: 1), with: issuer, now: now + 200 + Int64(index))
        }
        let summary = try LicenseLedger.restore(from: copy, to: path, now: now + 300)
        #expect(summary.lostSerials == 5...6)
        #expect(summary.nextSerial == "CTI-00000007")
        let previous = try #require(summary.previousLedger)
        #expect(try LicenseLedger(path: previous, mode: .existing).entries().count == 6)
        let restored = try LicenseLedger(path: path, mode: .existing)
        #expect(try restored.verify().isEmpty)
        #expect(try restored.entries().count == 4)
        let next = try restored.issue(LicenseRequest(customerID: "K-7", product: "p", seats: 1), with: issuer, now: now + 400)
        #expect(next.entry.serial == "CTI-00000007")
        #expect(try restored.verify().isEmpty)
        let events = try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT details FROM audit WHERE event = 'ledger.restored'") }
        #expect(events.count == 1 && events[0].contains("CTI-00000005") && events[0].contains("CTI-00000006"), "\(events)")
    }

    @Test func aRestoreTakesTheLostSerialsFromACheckpointToo() throws {
        let ledger = try ledgerWithHistory()
        let copy = directory + "/backup.sqlite"
        _ = try ledger.backup(to: copy)
        _ = try ledger.issue(LicenseRequest(customerID: "K-5", product: "p", seats: 1), with: issuer, now: now + 205)
        let signed = try checkpoint(ledger)
        try FileManager.default.removeItem(atPath: path + ".head")  // lost with the disk
        let summary = try LicenseLedger.restore(from: copy, to: path, checkpoint: signed, now: now + 300)
        #expect(summary.lostSerials == 5...5)
        #expect(summary.nextSerial == "CTI-00000006")
    }

    @Test func aBackupThatDoesNotVerifyIsNotRestored() throws {
        let ledger = try ledgerWithHistory()
        let copy = directory + "/backup.sqlite"
        _ = try ledger.backup(to: copy)
        let queue = try DatabaseQueue(path: copy)
        try queue.write { try $0.execute(sql: "UPDATE licenses SET seats = 70") }
        try queue.close()
        #expect { _ = try LicenseLedger.restore(from: copy, to: self.path, now: self.now) } throws: {
            ($0 as? CTIFailure)?.code == "ledger.restore-refused"
        }
        #expect(try ledger.entries().count == 4)
        #expect(try ledger.verify().isEmpty)
    }

    @Test func aBackupIsConsistentWhileAnotherConnectionIssues() async throws {
        let ledger = try ledgerWithHistory()
        let writer = try LicenseLedger(path: path, mode: .existing)
        let issuing = Task.detached { [issuer, now] in
            for index in 0..<200 {
                _ = try writer.issue(LicenseRequest(customerID: "W-\(index)", product: "p", seats: 1), with: issuer, now: now + 300 + Int64(index))
            }
        }
        var copies: [LedgerBackupSummary] = []
        for index in 0..<5 { copies.append(try ledger.backup(to: directory + "/during-\(index).sqlite")) }
        try await issuing.value
        #expect(try ledger.entries().count == 204)
        for copy in copies {
            #expect(copy.problems.isEmpty, "\(copy.path): \(copy.problems)")
            // Each copy, opened on its own, is a ledger as it was at one instant: every license
            // it holds is audited, whatever the writer was doing.
            let restored = try LicenseLedger(path: copy.path, mode: .existing)
            #expect(try restored.verify().isEmpty, "\(copy.path)")
            #expect((4...204).contains(try restored.entries().count))
            #expect(Int64(try restored.entries().count) == copy.licenses)
        }
    }
}

extension Result {
    var failure: Failure? {
        if case let .failure(error) = self { return error }
        return nil
    }
}
