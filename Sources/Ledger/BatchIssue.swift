import CTICore
import Dispatch
import Foundation
import GRDB
import Licensing

extension LicenseLedger {
    /// One chunk of a batch, inside the caller's transaction, in three steps: check every
    /// request and allocate its serial (in order, under the write lock); sign them all on
    /// every core; insert the rows and their audit entries (in order). The result is the
    /// same as issuing one by one.
    static func issueChunk(
        _ chunk: ArraySlice<LicenseRequest>, with issuer: LicenseIssuer, now: Int64, in db: Database
    ) throws -> [Result<IssueOutcome, LayerErrorBox>] {
        enum Slot {
            case done(Result<IssueOutcome, LayerErrorBox>)
            case pending(Int)
            case repeatOf(Int)
        }
        struct Pending {
            let request: LicenseRequest
            let rowID: Int64
            let claims: LicenseClaims
        }
        var slots: [Slot] = []
        var pending: [Pending] = []
        var pendingByOrder: [String: Int] = [:]
        var nextID = (try Int64.fetchOne(try db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'licenses'")) ?? 0) + 1
        for request in chunk {
            do {
                if let orderID = request.orderID, let earlier = pendingByOrder[orderID] {
                    // The same order twice in one batch: as if the first were already issued.
                    guard pending[earlier].request == request else {
                        throw LedgerError.invalid("ledger.order-conflict", "order \(orderID) appears earlier in this batch with different terms; nothing was issued for it here")
                    }
                    slots.append(.repeatOf(earlier))
                    continue
                }
                if let existing = try existingOrder(of: request, in: db) {
                    slots.append(.done(.success(existing)))
                    continue
                }
                let claims = try request.claims(serial: serial(forRowID: nextID), issuedAt: now)
                pending.append(Pending(request: request, rowID: nextID, claims: claims))
                if let orderID = request.orderID { pendingByOrder[orderID] = pending.count - 1 }
                slots.append(.pending(pending.count - 1))
                nextID += 1
            } catch let error as CTIError where error.kind != .internal {
                slots.append(.done(.failure(LayerErrorBox(error))))
            }
        }
        let licenses = try signInParallel(pending.map(\.claims), with: issuer)
        var audit = try AuditLog.Appender(db)
        var entries: [LedgerEntry] = []
        entries.reserveCapacity(pending.count)
        for (item, license) in zip(pending, licenses) {
            entries.append(try insert(item.request, rowID: item.rowID, license: license, issuer: issuer, now: now, audit: &audit, in: db))
        }
        return slots.map { slot in
            switch slot {
            case let .done(result): return result
            case let .pending(index): return .success(.issued(entries[index]))
            case let .repeatOf(index): return .success(.alreadyIssued(entries[index]))
            }
        }
    }

    /// Signs on every core; Ed25519 and P-256 signing share no state between calls.
    static func signInParallel(_ claims: [LicenseClaims], with issuer: LicenseIssuer) throws -> [IssuedLicense] {
        let results = SignedSlots(count: claims.count)
        DispatchQueue.concurrentPerform(iterations: claims.count) { index in
            results.set(index, try? issuer.sign(claims[index]))
        }
        return try results.all()
    }
}

/// Results written by index from several threads (each index exactly once).
private final class SignedSlots: @unchecked Sendable {
    private var slots: [IssuedLicense?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: IssuedLicense?) {
        lock.withLock { slots[index] = value }
    }

    func all() throws -> [IssuedLicense] {
        try slots.map { slot in
            guard let slot else { throw LedgerError("ledger.sign-failed", "a license could not be signed", kind: .internal) }
            return slot
        }
    }
}
