import CTICore
import Foundation
import Licensing
import Signing
import Testing
@testable import Ledger

@Suite struct LifecycleTests {
    let tmp: TemporaryDirectory
    var directory: String { tmp.path }
    let issuer = LicenseIssuer(key: .generate(.eddsa), kid: "k")
    let now: Int64 = 1_790_000_000

    init() throws { tmp = try TemporaryDirectory("lifecycle") }

    func ledger() throws -> LicenseLedger {
        let ledger = try LicenseLedger(path: directory + "/l.sqlite", mode: .createIfMissing)
        _ = try ledger.issue(
            LicenseRequest(customerID: "K-1", product: "datev-connector", seats: 5, pbx: PBXBinding(factors: [PBXFactor(kind: "instance-id", value: "SF-1")]),
                           expires: now + 86_400 * 30, orderID: "O-1"),
            with: issuer, now: now)
        return ledger
    }

    @Test func renewalNamesWhatItSupersedes() throws {
        let ledger = try ledger()
        let (old, new) = try ledger.supersede("CTI-00000001", with: issuer, now: now + 100) { $0.expires = now + 86_400 * 400 }
        #expect(old.serial == "CTI-00000001")
        let claims = try #require(new.license?.claims)
        #expect(claims.cti.supersedes == ["CTI-00000001"])
        #expect(claims.exp == now + 86_400 * 400)
        #expect(claims.cti.pbx?.factors.first?.value == "SF-1")
        #expect(claims.cti.orderID == nil)
        #expect(try ledger.entry(serial: "CTI-00000001")?.status == .superseded)
        #expect(try ledger.verify().isEmpty)
        let differences = ClaimDifference.between(try #require(old.license?.claims), claims).map(\.claim)
        #expect(differences == ["jti", "iat", "nbf", "exp", "cti.order_id", "cti.supersedes"])
    }

    @Test func reissueAfterAPBXChange() throws {
        let ledger = try ledger()
        let (_, new) = try ledger.supersede("CTI-00000001", with: issuer, now: now + 100) {
            $0.pbx = PBXBinding(factors: [PBXFactor(kind: "instance-id", value: "SF-2")])
        }
        #expect(new.license?.claims.cti.pbx?.factors.first?.value == "SF-2")
    }

    @Test func nothingChangedIsRefusedAndRevokedIsNotRenewed() throws {
        let ledger = try ledger()
        #expect { _ = try ledger.supersede("CTI-00000001", with: issuer, now: now) { _ in } } throws: { ($0 as? CTIFailure)?.code == "usage.nothing-changed" }
        try ledger.revoke(serial: "CTI-00000001", reason: "fraud", now: now)
        #expect { _ = try ledger.supersede("CTI-00000001", with: issuer, now: now) { $0.seats = 9 } } throws: { ($0 as? CTIFailure)?.code == "ledger.revoked" }
    }

    @Test func batchesAreIdempotentAndReportEachRow() throws {
        let ledger = try ledger()
        let requests = (1...5).map { LicenseRequest(customerID: "B-\($0)", product: "p", seats: $0, orderID: "B-\($0)") }
            + [LicenseRequest(customerID: "K-1", product: "p", seats: 99, orderID: "O-1")]  // conflicts with the first license
        var progress: [Int] = []
        let first = try ledger.issueBatch(requests, with: issuer, now: now, chunkSize: 2) { progress.append($0) }
        #expect(progress == [2, 4, 6])
        #expect(first.filter { if case .success(.issued) = $0 { return true } else { return false } }.count == 5)
        guard case let .failure(conflict) = first[5] else {
            Issue.record("the conflicting order was issued")
            return
        }
        #expect(conflict.code == "ledger.order-conflict")
        let again = try ledger.issueBatch(requests, with: issuer, now: now + 10)
        #expect(again.prefix(5).allSatisfy { if case .success(.alreadyIssued) = $0 { return true } else { return false } })
        #expect(try ledger.entries().count == 6)
        #expect(try ledger.verify().isEmpty)
    }

    @Test func theSameOrderTwiceInOneBatch() throws {
        let ledger = try ledger()
        let request = LicenseRequest(customerID: "D", product: "p", seats: 2, orderID: "DUP")
        var other = request
        other.seats = 3
        let results = try ledger.issueBatch([request, request, other], with: issuer, now: now)
        guard case let .success(.issued(first)) = results[0], case let .success(.alreadyIssued(again)) = results[1] else {
            Issue.record("expected issued, then already issued: \(results)")
            return
        }
        #expect(first.serial == again.serial)
        guard case let .failure(conflict) = results[2] else {
            Issue.record("a different request for the same order was issued")
            return
        }
        #expect(conflict.code == "ledger.order-conflict")
        #expect(try ledger.entries().count == 2)
        #expect(try ledger.verify().isEmpty)
    }
}
