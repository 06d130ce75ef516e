import CTICore
import Foundation
import Licensing
import Signing
import Testing
@testable import Ledger

@Suite struct LicenseLedgerTests {
    let tmp: TemporaryDirectory
    var directory: String { tmp.path }
    let issuer = LicenseIssuer(key: .generate(.eddsa), kid: "k")
    let now: Int64 = 1_790_000_000

    init() throws { tmp = try TemporaryDirectory("ledger") }

    func request(order: String? = nil, seats: Int = 5) -> LicenseRequest {
        LicenseRequest(customerID: "K-1", product: "datev-connector", seats: seats, orderID: order)
    }

    func issued(_ outcome: IssueOutcome) -> LedgerEntry? {
        if case let .issued(entry) = outcome { return entry }
        return nil
    }

    @Test func createsTheDatabaseAndItsDirectoryOnFirstUse() throws {
        let path = directory + "/nested/dir/ledger.sqlite"
        let ledger = try LicenseLedger(path: path, mode: .createIfMissing)
        #expect(SafeFile.exists(path))
        #expect(try ledger.entries().isEmpty)
        // Reopening runs the migrations again harmlessly.
        _ = try LicenseLedger(path: path, mode: .createIfMissing)
    }

    @Test func serialsAreUniqueAndSequential() throws {
        let ledger = try LicenseLedger(path: directory + "/l.sqlite", mode: .createIfMissing)
        var serials: [String] = []
        for _ in 0..<25 {
            let entry = try #require(issued(try ledger.issue(request(), with: issuer, now: now)))
            serials.append(entry.serial)
        }
        #expect(serials == (1...25).map { String(format: "CTI-%08d", $0) })
    }

    @Test func theLedgerKeepsTheSignedLicense() throws {
        let ledger = try LicenseLedger(path: directory + "/l.sqlite", mode: .createIfMissing)
        let entry = try #require(issued(try ledger.issue(request(), with: issuer, now: now)))
        let license = try #require(entry.license)
        #expect(license.claims.jti == entry.serial)
        #expect(license.claims.iat == now)
        let ring = Keyring(keys: [JWK(kid: "k", key: issuer.key.publicKey)])
        let verification = try LicenseVerifier(keyring: ring).verify(Array(license.text.utf8), in: VerificationContext(now: now))
        #expect(verification.status == .valid)
        #expect(try ledger.entry(serial: entry.serial) == entry)
    }

    @Test func theSameOrderIsIssuedOnce() throws {
        let ledger = try LicenseLedger(path: directory + "/l.sqlite", mode: .createIfMissing)
        let first = try #require(issued(try ledger.issue(request(order: "ORD-7"), with: issuer, now: now)))
        let again = try ledger.issue(request(order: "ORD-7"), with: issuer, now: now + 3600)
        guard case let .alreadyIssued(existing) = again else {
            Issue.record("a second license was issued for the same order")
            return
        }
        #expect(existing == first)
        #expect(existing.token == first.token)
        #expect(try ledger.entries().count == 1)
    }

    @Test func theSameOrderWithOtherTermsIsAConflict() throws {
        let ledger = try LicenseLedger(path: directory + "/l.sqlite", mode: .createIfMissing)
        _ = try ledger.issue(request(order: "ORD-8", seats: 5), with: issuer, now: now)
        #expect {
            _ = try ledger.issue(request(order: "ORD-8", seats: 6), with: issuer, now: now)
        } throws: { error in
            let error = error as? CTIFailure
            return error?.code == "ledger.order-conflict" && error?.message.contains("seats: 5 → 6") == true
        }
        #expect(try ledger.entries().count == 1)
    }

    @Test func aFailedIssueLeavesNoRow() throws {
        let ledger = try LicenseLedger(path: directory + "/l.sqlite", mode: .createIfMissing)
        #expect(throws: RequestRefused.self) { _ = try ledger.issue(request(seats: 0), with: issuer, now: now) }
        #expect(try ledger.entries().isEmpty)
        // The serial of the rolled-back row is not lost to a gap-free sequence: the next is 1.
        let entry = try #require(issued(try ledger.issue(request(), with: issuer, now: now)))
        #expect(entry.serial == "CTI-00000001")
    }

    @Test func aFileThatIsNotALedgerIsAClearError() throws {
        try SafeFile.makeDirectory(directory)
        let path = directory + "/garbage.sqlite"
        try SafeFile.write(Array(repeating: 0x42, count: 4096), to: path)
        #expect {
            _ = try LicenseLedger(path: path, mode: .createIfMissing)
        } throws: { error in
            let error = error as? CTIFailure
            return error?.code == "ledger.not-a-ledger" && error?.kind == .malformedInput && error?.message.hasPrefix(path) == true
        }
    }

    @Test func concurrentIssuersNeverShareASerial() async throws {
        let path = directory + "/l.sqlite"
        _ = try LicenseLedger(path: path, mode: .createIfMissing)
        let issuer = self.issuer
        let now = self.now
        let serials = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let ledger = try LicenseLedger(path: path, mode: .createIfMissing)  // one connection per worker
                    var serials: [String] = []
                    for index in 0..<20 {
                        let request = LicenseRequest(customerID: "K-\(worker)", product: "p", seats: 1, orderID: "W\(worker)-\(index)")
                        if case let .issued(entry) = try ledger.issue(request, with: issuer, now: now) { serials.append(entry.serial) }
                    }
                    return serials
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        // Every request issued, no serial twice, none skipped, and one intact chain.
        #expect(serials.count == 80)
        #expect(Set(serials) == Set((1...80).map { String(format: "CTI-%08d", $0) }))
        #expect(try LicenseLedger(path: path, mode: .existing).verify().isEmpty)
    }

    @Test func defaultLocationFollowsFlagThenEnvironmentThenXDG() {
        #expect(LedgerLocation.resolve(explicit: "/x.sqlite", environment: ["CTICTL_LEDGER": "/y"]) == "/x.sqlite")
        #expect(LedgerLocation.resolve(explicit: nil, environment: ["CTICTL_LEDGER": "/y", "HOME": "/h"]) == "/y")
        #expect(LedgerLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]) == "/d/ctictl/ledger.sqlite")
        #expect(LedgerLocation.resolve(explicit: nil, environment: ["HOME": "/h"]) == "/h/.local/share/ctictl/ledger.sqlite")
    }
}

@Suite struct LedgerListTests {
    let tmp: TemporaryDirectory
    var directory: String { tmp.path }
    let issuer = LicenseIssuer(key: .generate(.eddsa), kid: "k")
    let now: Int64 = 1_790_000_000

    init() throws { tmp = try TemporaryDirectory("list") }

    @Test func filtersByCustomerProductExpiryAndStatus() throws {
        let ledger = try LicenseLedger(path: directory + "/l.sqlite", mode: .createIfMissing)
        let day: Int64 = 86_400
        _ = try ledger.issue(LicenseRequest(customerID: "A", product: "datev-connector", seats: 1, expires: now + 10 * day), with: issuer, now: now)
        _ = try ledger.issue(LicenseRequest(customerID: "A", product: "crm-groupware", seats: 1, expires: now + 100 * day), with: issuer, now: now)
        _ = try ledger.issue(LicenseRequest(customerID: "B", product: "datev-connector", seats: 1), with: issuer, now: now)
        try ledger.revoke(serial: "CTI-00000002", reason: "test", now: now)
        #expect(try ledger.entries(matching: .init(customerID: "A")).map(\.serial) == ["CTI-00000001", "CTI-00000002"])
        #expect(try ledger.entries(matching: .init(product: "datev-connector")).map(\.serial) == ["CTI-00000001", "CTI-00000003"])
        #expect(try ledger.entries(matching: .init(expiringBefore: now + 30 * day)).map(\.serial) == ["CTI-00000001"])
        #expect(try ledger.entries(matching: .init(expiringBefore: now + 365 * day)).map(\.serial) == ["CTI-00000001", "CTI-00000002"])
        #expect(try ledger.entries(matching: .init(status: .revoked)).map(\.serial) == ["CTI-00000002"])
        #expect(try ledger.entries(matching: .init(customerID: "A", product: "datev-connector")).count == 1)
    }
}
