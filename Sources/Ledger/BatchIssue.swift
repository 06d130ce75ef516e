import CTICore
import Dispatch
import Foundation
import GRDB
import Licensing

/// Everything of one new ledger row that needs no lock: the signed license and the JSON
/// texts stored beside it. Computed off the write path, on every core.
struct PreparedRow: Sendable {
    let request: LicenseRequest
    let license: IssuedLicense
    /// Exactly the signed payload, not a second encoding of the claims.
    let claimsJSON: String
    let requestJSON: String
    let auditDetails: String

    init(_ request: LicenseRequest, claims: LicenseClaims, issuer: LicenseIssuer) throws {
        let (license, payload) = try issuer.signKeepingPayload(claims)
        self.request = request
        self.license = license
        claimsJSON = String(decoding: payload, as: UTF8.self)
        requestJSON = String(decoding: request.jsonBytes, as: UTF8.self)
        auditDetails = AuditLog.issueDetails(orderID: request.orderID, token: license.compact)
    }
}

extension LicenseLedger {
    /// One chunk of a batch, inside the caller's transaction, in three steps: check every
    /// request and allocate its serial (in order, under the write lock); sign and encode them
    /// all on every core; insert the rows and their audit entries (in order). The result is
    /// the same as issuing one by one.
    static func issueChunk(
        _ chunk: ArraySlice<LicenseRequest>, with issuer: LicenseIssuer, now: Int64, in db: Database
    ) throws -> [Result<IssueOutcome, LayerErrorBox>] {
        enum Slot {
            case done(Result<IssueOutcome, LayerErrorBox>)
            case pending(Int)
            case repeatOf(Int)
        }
        struct Pending: Sendable {
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
        // Signing runs on the other threads while this one inserts the rows already signed.
        var audit = try AuditLog.Appender(db)
        var entries: [LedgerEntry] = []
        entries.reserveCapacity(pending.count)
        try StreamingMap.run(pending, transform: { item in
            try PreparedRow(item.request, claims: item.claims, issuer: issuer)
        }, consume: { index, row in
            entries.append(try insert(row, rowID: pending[index].rowID, issuer: issuer, now: now, audit: &audit, in: db))
        })
        return slots.map { slot in
            switch slot {
            case let .done(result): return result
            case let .pending(index): return .success(.issued(entries[index]))
            case let .repeatOf(index): return .success(.alreadyIssued(entries[index]))
            }
        }
    }
}

/// A `map` on every core whose results reach the calling thread in input order, a slice at a
/// time, as soon as each slice is done: the caller consumes (inserts) while the rest is still
/// being computed (signed).
enum StreamingMap {
    static let sliceSize = 32

    static func run<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], transform: @escaping @Sendable (Input) throws -> Output, consume: (Int, Output) throws -> Void
    ) throws {
        guard !inputs.isEmpty else { return }
        let sliceCount = (inputs.count + sliceSize - 1) / sliceSize
        let count = inputs.count
        let range: @Sendable (Int) -> Range<Int> = { slice in slice * sliceSize..<min((slice + 1) * sliceSize, count) }
        let results = Slots<Output>(count: inputs.count)
        let ready = (0..<sliceCount).map { _ in DispatchSemaphore(value: 0) }
        let done = DispatchGroup()
        DispatchQueue.global(qos: .userInitiated).async(group: done) {
            DispatchQueue.concurrentPerform(iterations: sliceCount) { slice in
                for index in range(slice) { results.set(index, Result { try transform(inputs[index]) }) }
                ready[slice].signal()
            }
        }
        // Whatever happens here, the workers finish before `inputs` and `results` go away.
        defer { done.wait() }
        for slice in 0..<sliceCount {
            ready[slice].wait()
            for index in range(slice) { try consume(index, try results.get(index)) }
        }
    }
}

/// Results written by index from several threads (each index exactly once, read after).
private final class Slots<Value: Sendable>: @unchecked Sendable {
    private var slots: [Result<Value, Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<Value, Error>) {
        lock.withLock { slots[index] = value }
    }

    func get(_ index: Int) throws -> Value {
        guard let slot = lock.withLock({ slots[index] }) else {
            throw LedgerError("ledger.sign-failed", "a license could not be signed", kind: .internal)
        }
        return try slot.get()
    }
}
