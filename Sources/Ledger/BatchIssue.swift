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
    ) throws -> [Result<IssueOutcome, CTIFailure>] {
        enum Slot {
            case done(Result<IssueOutcome, CTIFailure>)
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
        let issued = try entries(orderIDs: chunk.compactMap(\.orderID), in: db)
        var nextID = (try Int64.fetchOne(try db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'licenses'")) ?? 0) + 1
        for request in chunk {
            do {
                if let orderID = request.orderID, let earlier = pendingByOrder[orderID] {
                    // The same order twice in one batch: as if the first were already issued.
                    guard pending[earlier].request == request else {
                        throw CTIFailure(.ledgerOrderConflict, "order \(orderID) appears earlier in this batch with different terms; nothing was issued for it here")
                    }
                    slots.append(.repeatOf(earlier))
                    continue
                }
                if let existing = try existingOrder(of: request, issued: request.orderID.flatMap { issued[$0] }) {
                    slots.append(.done(.success(existing)))
                    continue
                }
                let claims = try request.claims(serial: serial(forRowID: nextID), issuedAt: now)
                pending.append(Pending(request: request, rowID: nextID, claims: claims))
                if let orderID = request.orderID { pendingByOrder[orderID] = pending.count - 1 }
                slots.append(.pending(pending.count - 1))
                nextID += 1
            } catch let error as CTIError where error.kind != .internal {
                slots.append(.done(.failure(CTIFailure(error))))
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
/// time: the caller consumes (inserts) while the rest is still being computed (signed). The
/// caller computes slices itself whenever the next one is not ready, so it never sits idle
/// and the helpers need only the other cores (no more threads than cores).
enum StreamingMap {
    static let sliceSize = 32

    static func run<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], helpers: Int = ProcessInfo.processInfo.activeProcessorCount - 1,
        transform: @escaping @Sendable (Input) throws -> Output, consume: (Int, Output) throws -> Void
    ) throws {
        guard !inputs.isEmpty else { return }
        let work = SliceWork(inputs: inputs, sliceSize: sliceSize, transform: transform)
        let finished = DispatchGroup()
        for _ in 0..<max(0, min(helpers, work.sliceCount - 1)) {
            DispatchQueue.global(qos: .userInitiated).async(group: finished) { work.computeUntilNoneLeft() }
        }
        // Whatever happens here, the helpers stop and finish before `work` goes away.
        defer {
            work.cancel()
            finished.wait()
        }
        for slice in 0..<work.sliceCount {
            for (index, result) in work.waitFor(slice) { try consume(index, try result.get()) }
        }
    }
}

/// The slices of a `StreamingMap`: claimed in order by whichever thread is free, results
/// kept per slice until the consumer takes them.
private final class SliceWork<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    let sliceCount: Int
    private let inputs: [Input]
    private let sliceSize: Int
    private let transform: @Sendable (Input) throws -> Output
    private let condition = NSCondition()
    private var nextUnclaimed = 0
    private var cancelled = false
    private var results: [[(Int, Result<Output, Error>)]?]

    init(inputs: [Input], sliceSize: Int, transform: @escaping @Sendable (Input) throws -> Output) {
        self.inputs = inputs
        self.sliceSize = sliceSize
        self.transform = transform
        sliceCount = (inputs.count + sliceSize - 1) / sliceSize
        results = Array(repeating: nil, count: sliceCount)
    }

    func cancel() {
        condition.withLock { cancelled = true }
    }

    /// A helper's loop.
    func computeUntilNoneLeft() {
        while let slice = claim() { compute(slice) }
    }

    /// The results of `slice`, computing unclaimed slices meanwhile instead of waiting.
    func waitFor(_ slice: Int) -> [(Int, Result<Output, Error>)] {
        while true {
            condition.lock()
            if let done = results[slice] {
                results[slice] = nil
                condition.unlock()
                return done
            }
            if nextUnclaimed < sliceCount {
                let claimed = nextUnclaimed
                nextUnclaimed += 1
                condition.unlock()
                compute(claimed)
            } else {
                condition.wait()
                condition.unlock()
            }
        }
    }

    private func claim() -> Int? {
        condition.withLock {
            guard !cancelled, nextUnclaimed < sliceCount else { return nil }
            defer { nextUnclaimed += 1 }
            return nextUnclaimed
        }
    }

    private func compute(_ slice: Int) {
        let range = slice * sliceSize..<min((slice + 1) * sliceSize, inputs.count)
        let done = range.map { index in (index, Result { try transform(inputs[index]) }) }
        condition.withLock {
            results[slice] = done
            condition.broadcast()
        }
    }
}
