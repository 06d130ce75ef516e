import CTICore
import Foundation
import GRDB
import Licensing
import Signing
import Testing
@testable import Ledger

/// `ledger verify` names an edited, inserted or deleted row.
@Suite struct AuditTests {
    let tmp: TemporaryDirectory
    var directory: String { tmp.path }
    let issuer = LicenseIssuer(key: .generate(.eddsa), kid: "k")

    init() throws { tmp = try TemporaryDirectory("audit") }

    func ledgerWithHistory() throws -> (LicenseLedger, String) {
        let path = directory + "/l.sqlite"
        let ledger = try LicenseLedger(path: path, mode: .createIfMissing)
        for index in 1...3 {
            _ = try ledger.issue(LicenseRequest(customerID: "K-\(index)", product: "p", seats: index), with: issuer, now: 1_790_000_000 + Int64(index))
        }
        try ledger.revoke(serial: "CTI-00000002", reason: "refund", now: 1_790_000_100)
        _ = try ledger.exportRevocations(key: issuer.key, kid: "k", now: 1_790_000_200)
        return (ledger, path)
    }

    /// Tampers with the database behind ctictl's back, as someone with sqlite3 would.
    func tamper(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
    }

    func codes(_ ledger: LicenseLedger) throws -> [String] { try ledger.verify().map(\.code) }

    @Test func anUntouchedLedgerIsIntact() throws {
        let (ledger, _) = try ledgerWithHistory()
        #expect(try ledger.verify().isEmpty)
    }

    @Test func anEditedLicenseRowIsNamed() throws {
        let (ledger, path) = try ledgerWithHistory()
        try tamper(path, "UPDATE licenses SET seats = 300 WHERE serial = 'CTI-00000001'")
        let problems = try ledger.verify()
        #expect(problems.map(\.code) == ["ledger.license-edited"])
        #expect(problems[0].message.contains("CTI-00000001") && problems[0].message.contains("seats"))
    }

    @Test func anEditedAuditRowIsNamed() throws {
        let (ledger, path) = try ledgerWithHistory()
        try tamper(path, "UPDATE audit SET at = at + 1 WHERE id = 2")
        let problems = try ledger.verify()
        #expect(problems.map(\.code) == ["ledger.audit-row-edited"])
        #expect(problems[0].message.hasPrefix("audit row 2 (license.issued CTI-00000002)"))
    }

    @Test func aDeletedAuditRowIsNamed() throws {
        let (ledger, path) = try ledgerWithHistory()
        try tamper(path, "DELETE FROM audit WHERE id = 3")
        #expect(try codes(ledger).contains("ledger.audit-row-missing"))
        #expect(try ledger.verify().contains { $0.message.contains("audit rows 3...3 are missing") })
    }

    @Test func theNewestAuditRowsDeletedAreFound() throws {
        let (ledger, path) = try ledgerWithHistory()
        try tamper(path, "DELETE FROM audit WHERE id = (SELECT MAX(id) FROM audit)")
        // Found twice: by the sequence's gap, and by the head recorded beside the ledger.
        #expect(try codes(ledger) == ["ledger.audit-row-missing", "ledger.behind-head"])
    }

    @Test func anInsertedLicenseIsFound() throws {
        let (ledger, path) = try ledgerWithHistory()
        try tamper(path, """
            INSERT INTO licenses (serial, customer_id, product, seats, kid, issued_at, request_json, claims_json, token)
            SELECT 'CTI-00000099', customer_id, product, seats, kid, issued_at, request_json, claims_json, token FROM licenses WHERE serial = 'CTI-00000001'
            """)
        #expect(try codes(ledger).contains("ledger.license-unaudited"))
    }

    @Test func anInsertedAuditRowBreaksTheChain() throws {
        let (ledger, path) = try ledgerWithHistory()
        try tamper(path, "UPDATE audit SET id = id + 1000 WHERE id >= 4")
        try tamper(path, "INSERT INTO audit (id, at, event, serial, details, prev_hash, hash) SELECT 4, at, event, serial, details, prev_hash, hash FROM audit WHERE id = 3")
        try tamper(path, "UPDATE audit SET id = id - 999 WHERE id >= 1004")
        #expect(try codes(ledger).contains("ledger.audit-chain-broken"))
    }

    @Test func aDeletedLicenseOrRevocationIsFound() throws {
        let (ledger, path) = try ledgerWithHistory()
        try tamper(path, "DELETE FROM revocations WHERE serial = 'CTI-00000002'")
        try tamper(path, "DELETE FROM licenses WHERE serial = 'CTI-00000003'")
        #expect(Set(try codes(ledger)) == ["ledger.revocation-deleted", "ledger.license-deleted"])
    }

    @Test func revocationsAreExportedWithGrowingSequence() throws {
        let (ledger, _) = try ledgerWithHistory()
        let second = try ledger.exportRevocations(key: issuer.key, kid: "k", now: 1_790_000_300)
        #expect(second.claims.seq == 2)
        #expect(second.claims.revoked.map(\.jti) == ["CTI-00000002"])
        #expect(throws: CTIFailure.self) { try ledger.revoke(serial: "CTI-00000002", reason: "again", now: 1) }
        #expect(throws: CTIFailure.self) { try ledger.revoke(serial: "CTI-00000077", reason: "unknown", now: 1) }
        let ring = Keyring(keys: [JWK(kid: "k", key: issuer.key.publicKey)])
        let verified = try RevocationListVerifier(keyring: ring).verify(Array(second.text.utf8), state: nil)
        #expect(verified.entry(for: "CTI-00000002")?.reason == "refund")
    }
}

@Suite struct KeyEventTests {
    @Test func keyEventsJoinTheAuditChain() throws {
        let tmp = try TemporaryDirectory("keys")
        defer { withExtendedLifetime(tmp) {} }  // removed when the test ends, not after its last use
        let path = tmp.path + "/l.sqlite"
        let ledger = try LicenseLedger(path: path, mode: .createIfMissing)
        let key = JWK(kid: "vendor-2026", key: PrivateSigningKey.generate(.eddsa).publicKey)
        try ledger.record(.generated(key), now: 1)
        try ledger.record(.endorsed(kid: "vendor-2027", by: "vendor-2026"), now: 2)
        try ledger.record(.statusChanged(kid: "vendor-2026", to: .retired), now: 3)
        try ledger.record(.statusChanged(kid: "vendor-2026", to: .revoked), now: 4)
        let events = try ledger.keyEvents()
        #expect(events.map(\.event) == ["key.generated", "key.endorsed", "key.retired", "key.revoked"])
        #expect(events[0].details.contains(key.thumbprint))
        #expect(try ledger.verify().isEmpty)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "UPDATE audit SET details = replace(details, 'vendor-2027', 'vendor-2099') WHERE event = 'key.endorsed'") }
        #expect(try ledger.verify().map(\.code) == ["ledger.audit-row-edited"])
    }
}
