import CTICore
import Foundation
import GRDB
import SQLiteStore
import Licensing
import Logging

/// The vendor's record of everything issued: a SQLite database (WAL mode) that allocates
/// serials, makes issuance idempotent per order id, and is committed before any license file
/// is written, so no license exists that the ledger does not know.
public final class LicenseLedger: Sendable {
    public let path: String
    let database: DatabaseQueue
    private static let logger = Logger(label: "ctictl.ledger")

    /// Whether this open created the ledger (the caller says so, once).
    public let wasCreated: Bool

    /// How a command may open the ledger.
    public enum OpenMode: Sendable {
        /// The ledger must exist: every command that reads, or changes what was issued.
        case existing
        /// A path that does not exist becomes a new ledger: only commands that issue or
        /// record keys. A file that exists is never turned into a new ledger.
        case createIfMissing
    }

    /// Opens and migrates the ledger at `path`. A file that exists but is not a ctictl ledger
    /// (empty, not SQLite, another database) is refused: starting a new ledger in it would
    /// hand out `CTI-00000001` again.
    public init(path: String, mode: OpenMode) throws {
        self.path = path
        if mode == .existing && !SafeFile.exists(path) {
            throw CTIFailure(.ledgerNotFound, "\(path): no ledger there; check --ledger or $CTICTL_LEDGER (a ledger is created by the first `ctictl license issue` or `ctictl key generate`)")
        }
        // The rules every store follows (SQLiteStore.StoreFile): a file that is not a ledger is
        // refused and never written to; two processes creating one wait for each other on
        // the lock beside it. Writes then use IMMEDIATE transactions (see `write`).
        (database, wasCreated) = try StoreFile.open(path, kind: .ledger, options: .init(label: "ctictl.ledger"), migrator: Self.migrator)
    }

    /// Schema migrations, in order; each runs once per database.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-licenses") { db in
            try db.execute(sql: """
                CREATE TABLE licenses (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    serial TEXT NOT NULL UNIQUE,
                    order_id TEXT UNIQUE,
                    customer_id TEXT NOT NULL,
                    customer_name TEXT,
                    product TEXT NOT NULL,
                    seats INTEGER NOT NULL,
                    kid TEXT NOT NULL,
                    issued_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    status TEXT NOT NULL DEFAULT 'active',
                    request_json TEXT NOT NULL,
                    claims_json TEXT NOT NULL,
                    token TEXT NOT NULL
                );
                CREATE INDEX licenses_customer ON licenses(customer_id);
                CREATE INDEX licenses_product ON licenses(product);
                """)
        }
        migrator.registerMigration("v2-revocations-audit") { db in
            try db.execute(sql: """
                CREATE TABLE revocations (
                    serial TEXT PRIMARY KEY REFERENCES licenses(serial),
                    revoked_at INTEGER NOT NULL,
                    reason TEXT NOT NULL
                );
                CREATE TABLE revocation_exports (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    exported_at INTEGER NOT NULL,
                    kid TEXT NOT NULL,
                    count INTEGER NOT NULL
                );
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    event TEXT NOT NULL,
                    serial TEXT,
                    details TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                """)
            // Licenses issued before the audit log existed enter it now, in issue order.
            for license in try ledgerRows.fetchAll(LicenseRecord.self, db, sql: "SELECT * FROM licenses ORDER BY id") {
                try AuditLog.append(
                    db, at: license.issuedAt, event: .issued, serial: license.serial,
                    details: AuditLog.issueDetails(orderID: license.orderID, token: license.token))
            }
        }
        migrator.registerMigration("v3-keys") { db in
            try db.execute(sql: """
                CREATE TABLE keys (
                    kid TEXT PRIMARY KEY,
                    algorithm TEXT NOT NULL,
                    thumbprint TEXT NOT NULL,
                    environment TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                """)
        }
        return migrator
    }

    /// Serials are the row id, never reused (AUTOINCREMENT), in a fixed readable form.
    public static func serial(forRowID id: Int64) -> String {
        let digits = String(id)
        return "CTI-" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// Issues a license for `request`, or returns the one already issued for its order id.
    /// Allocation, signing and the ledger row happen in one transaction.
    public func issue(_ request: LicenseRequest, with issuer: LicenseIssuer, now: Int64) throws -> IssueOutcome {
        try write { db in try Self.issue(request, with: issuer, now: now, in: db) }
    }

    /// Issues many requests, `chunkSize` to a transaction (one durable commit per chunk
    /// instead of per license). A request that cannot be issued (a conflicting order, bad
    /// values) is reported in its place and does not stop the others.
    public func issueBatch(
        _ requests: [LicenseRequest], with issuer: LicenseIssuer, now: Int64, chunkSize: Int = 500,
        progress: (Int) -> Void = { _ in }, committed: ([LedgerEntry]) -> Void = { _ in }
    ) throws -> [Result<IssueOutcome, CTIFailure>] {
        var results: [Result<IssueOutcome, CTIFailure>] = []
        results.reserveCapacity(requests.count)
        var start = 0
        while start < requests.count {
            let chunk = requests[start..<min(start + max(chunkSize, 1), requests.count)]
            let outcomes = try write { db in try Self.issueChunk(chunk, with: issuer, now: now, in: db) }
            // The chunk is durable now: its files may be written (while the next chunk runs).
            committed(outcomes.compactMap { try? $0.get().entry })
            results += outcomes
            start += chunk.count
            progress(start)
        }
        return results
    }

    /// Issues one license inside the caller's transaction. Everything that can be refused is
    /// checked before anything is written, so a refusal leaves the transaction clean.
    static func issue(_ request: LicenseRequest, with issuer: LicenseIssuer, now: Int64, in db: Database) throws -> IssueOutcome {
        if let existing = try existingOrder(of: request, in: db) { return existing }
        // The next row id, read under the write lock this transaction holds, names the serial;
        // the claims are checked (and signed) before anything is written.
        let rowID = (try Int64.fetchOne(try db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'licenses'")) ?? 0) + 1
        let row = try PreparedRow(request, claims: try request.claims(serial: serial(forRowID: rowID), issuedAt: now), issuer: issuer)
        var audit = try AuditLog.Appender(db)
        return .issued(try insert(row, rowID: rowID, issuer: issuer, now: now, audit: &audit, in: db))
    }

    /// The license already issued for this request's order, or a conflict when the order was
    /// issued with other terms; nil when the order is new (or the request has none).
    static func existingOrder(of request: LicenseRequest, in db: Database) throws -> IssueOutcome? {
        guard let orderID = request.orderID else { return nil }
        return try existingOrder(of: request, issued: try entries(orderIDs: [orderID], in: db)[orderID])
    }

    /// The same, given the ledger's entry for the request's order id (or nil).
    static func existingOrder(of request: LicenseRequest, issued existing: LedgerEntry?) throws -> IssueOutcome? {
        guard let existing, let orderID = request.orderID else { return nil }
        // Handing back a license that no longer counts would look like success to the
        // customer; say what became of it instead.
        switch existing.status {
        case .active: break
        case .revoked:
            throw CTIFailure(.ledgerOrderRevoked, "order \(orderID) was issued as \(existing.serial), which was revoked\(existing.revokedAt.map { " at \(UTCTimestamp.format($0))" } ?? "")\(existing.revocationReason.map { " (\($0))" } ?? ""); nothing was issued. Issue a new license under a new order id if the customer is to have one")
        case .superseded:
            throw CTIFailure(.ledgerOrderSuperseded, "order \(orderID) was issued as \(existing.serial), which was superseded by \(existing.supersededBy ?? "a later license"); nothing was issued. Hand out \(existing.supersededBy ?? "the newer license") (`ctictl ledger show \(existing.supersededBy ?? existing.serial) --out FILE`)")
        }
        let previous = try LedgerCoding.decode(LicenseRequest.self, from: existing.requestJSON)
        guard previous == request else {
            let changes = RequestDifference.describe(previous, request).joined(separator: "; ")
            throw CTIFailure(.ledgerOrderConflict, "order \(orderID) was already issued as \(existing.serial) with different terms (\(changes)); nothing was issued. Use the existing license, or a new order id for a new license")
        }
        return .alreadyIssued(existing)
    }

    /// The entries of those order ids that were issued, by order id: one query per 500 ids
    /// (a batch looks up a whole chunk at once, not row by row).
    static func entries(orderIDs: [String], in db: Database) throws -> [String: LedgerEntry] {
        var found: [String: LedgerEntry] = [:]
        let unique = Array(Set(orderIDs))
        for start in stride(from: 0, to: unique.count, by: 500) {
            let group = Array(unique[start..<min(start + 500, unique.count)])
            let records = try ledgerRows.fetchAll(
                LicenseRecord.self, db, sql: "SELECT * FROM licenses WHERE order_id IN (\(AuditedStates.placeholders(group.count)))",
                arguments: StatementArguments(group))
            for entry in try Self.entries(records, in: db) {
                if let orderID = entry.orderID { found[orderID] = entry }
            }
        }
        return found
    }

    /// Writes a signed license and its audit entry.
    static func insert(
        _ row: PreparedRow, rowID: Int64, issuer: LicenseIssuer, now: Int64, audit: inout AuditLog.Appender, in db: Database
    ) throws -> LedgerEntry {
        let request = row.request
        let serial = row.license.claims.jti
        try db.cachedStatement(sql: """
            INSERT INTO licenses (id, serial, order_id, customer_id, customer_name, product, seats, kid, issued_at, expires_at, request_json, claims_json, token)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                rowID, serial, request.orderID, request.customerID, request.customerName, request.product, request.seats, issuer.kid, now,
                request.expires, row.requestJSON, row.claimsJSON, row.license.compact,
            ])
        try audit.append(db, at: now, event: .issued, serial: serial, details: row.auditDetails)
        logger.debug("issued", metadata: ["serial": "\(serial)", "product": "\(request.product)"])
        return LedgerEntry(
            serial: serial, orderID: request.orderID, customerID: request.customerID, customerName: request.customerName,
            product: request.product, seats: request.seats, kid: issuer.kid, issuedAt: now, expiresAt: request.expires,
            status: .active, supersededBy: nil, revokedAt: nil, revocationReason: nil,
            token: row.license.compact, requestJSON: row.requestJSON, issued: row.license)
    }

    /// Issues a license that replaces `serial` (renewal, or re-issue after a PBX change): the
    /// old terms with `change` applied, naming what it supersedes; the old license is marked
    /// superseded. A revoked license is not renewed.
    public func supersede(
        _ serial: String, with issuer: LicenseIssuer, now: Int64, change: (inout LicenseRequest) -> Void
    ) throws -> (old: LedgerEntry, new: LedgerEntry) {
        try write { db in
            guard let old = try Self.entry(serial: serial, in: db) else {
                throw CTIFailure(.ledgerSerialUnknown, "\(self.path): no license with serial \(serial); see `ctictl ledger list`")
            }
            // Decided from the audit chain (`AuditedStates`), never from the status column alone.
            switch old.status {
            case .active: break
            case .revoked:
                throw CTIFailure(.ledgerRevoked, "\(serial) is revoked; issue a new license instead of renewing it")
            case .superseded:
                throw CTIFailure(.ledgerSuperseded, "\(serial) was already superseded by \(old.supersededBy ?? "a later license"); renew or re-issue \(old.supersededBy ?? "that one") instead")
            }
            var request = try LedgerCoding.decode(LicenseRequest.self, from: old.requestJSON)
            // The new license starts now and belongs to no order unless the change says so.
            request.orderID = nil
            request.notBefore = nil
            let baseline = request
            change(&request)
            request.supersedes = [serial]
            if RequestDifference.describe(baseline, request) == ["signing details"] {
                throw CTIFailure(.usageNothingChanged, "the new license would grant exactly what \(serial) grants; say what changes (e.g. --expires, --pbx-id, --seats)")
            }
            guard case let .issued(new) = try Self.issue(request, with: issuer, now: now, in: db) else {
                throw CTIFailure(.ledgerOrderConflict, "order \(request.orderID ?? "") was already used")
            }
            try db.execute(sql: "UPDATE licenses SET status = 'superseded' WHERE serial = ?", arguments: [serial])
            try AuditLog.append(db, at: now, event: .superseded, serial: serial, details: String(decoding: CanonicalJSON.compact(["by": new.serial]), as: UTF8.self))
            return (old, new)
        }
    }

    /// What issuing these requests would do, without issuing: the license already issued for
    /// the order (nil: a new one would be issued), or why the request would be refused.
    public func preview(_ requests: [LicenseRequest]) throws -> [Result<LedgerEntry?, CTIFailure>] {
        let issued = try entries(orderIDs: requests.compactMap(\.orderID))
        return requests.map { request in
            do {
                return .success(try Self.existingOrder(of: request, issued: request.orderID.flatMap { issued[$0] })?.entry)
            } catch let error as CTIError {
                return .failure(CTIFailure(error))
            } catch {
                return .failure(CTIFailure(.ledgerInternal, "\(error)"))
            }
        }
    }

    /// The licenses already issued for these order ids.
    public func entries(orderIDs: [String]) throws -> [String: LedgerEntry] {
        try read { db in try Self.entries(orderIDs: orderIDs, in: db) }
    }

    public func entry(serial: String) throws -> LedgerEntry? {
        try read { db in try Self.entry(serial: serial, in: db) }
    }

    static func entry(serial: String, in db: Database) throws -> LedgerEntry? {
        guard let record = try ledgerRows.fetchOne(LicenseRecord.self, db, sql: "SELECT * FROM licenses WHERE serial = ?", arguments: [serial]) else {
            return nil
        }
        return try entries([record], in: db).first
    }

    /// All licenses, oldest first.
    /// Which licenses `entries(matching:)` returns; nil members do not filter.
    public struct Filter: Sendable {
        public var customerID: String?
        public var product: String?
        /// Only licenses that expire before this instant (perpetual ones never do).
        public var expiringBefore: Int64?
        /// Filtered after the audited status is known (the column is not trusted).
        public var status: LicenseStatus?

        public init(customerID: String? = nil, product: String? = nil, expiringBefore: Int64? = nil, status: LicenseStatus? = nil) {
            self.customerID = customerID
            self.product = product
            self.expiringBefore = expiringBefore
            self.status = status
        }
    }

    /// Licenses, oldest first, filtered in SQL (indexes on customer and product).
    public func entries(matching filter: Filter = Filter()) throws -> [LedgerEntry] {
        var conditions: [String] = []
        var arguments: [DatabaseValueConvertible?] = []
        if let customer = filter.customerID { conditions.append("customer_id = ?"); arguments.append(customer) }
        if let product = filter.product { conditions.append("product = ?"); arguments.append(product) }
        if let before = filter.expiringBefore { conditions.append("expires_at IS NOT NULL AND expires_at <= ?"); arguments.append(before) }
        let sql = "SELECT * FROM licenses" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY id"
        let entries = try read { db in
            try Self.entries(try ledgerRows.fetchAll(LicenseRecord.self, db, sql: sql, arguments: StatementArguments(arguments)), in: db)
        }
        guard let status = filter.status else { return entries }
        return entries.filter { $0.status == status }
    }

    /// Entries for these rows, each with the status the audit chain gives it.
    static func entries(_ records: [LicenseRecord], in db: Database) throws -> [LedgerEntry] {
        // Past a few hundred rows, reading every state at once beats asking per serial.
        let states = try AuditedStates(db, serials: records.count > 500 ? nil : records.map(\.serial))
        return records.map { LedgerEntry($0, states: states) }
    }

    /// Reads and writes with the store's error rules (SQLiteStore.StoreAccess).
    var access: StoreAccess { StoreAccess(database: database, path: path, kind: .ledger) }

    /// Runs `body` in a write transaction. Refused while the ledger is behind the head recorded
    /// beside it (`LedgerHead`); after the commit the new head is recorded.
    func write<T>(checkingHead: Bool = true, _ body: (Database) throws -> T) throws -> T {
        let recorded = checkingHead ? LedgerHead.recorded(beside: path) : nil
        var reached: LedgerHead?
        let result = try access.write { db in
            if let recorded, !(try recorded.isHeld(by: db)) {
                throw recorded.behindError(ledger: path, current: try LedgerHead.current(db))
            }
            let result = try body(db)
            reached = try LedgerHead.current(db)
            return result
        }
        // Committed: a head file that cannot be written weakens only the guard, never the ledger.
        if let reached, reached != recorded { try? reached.write(beside: path) }
        return result
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try access.read(body)
    }
}

enum LedgerCoding {
    static func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(json.utf8))
        } catch {
            throw CTIFailure(.ledgerCorrupt, "a ledger row does not decode (\(JSONErrorText.describe(error))); run `ctictl ledger verify`")
        }
    }
}

/// Which terms of two requests for the same order differ, in words.
enum RequestDifference {
    static func describe(_ old: LicenseRequest, _ new: LicenseRequest) -> [String] {
        var changes: [String] = []
        func compare<T: Equatable>(_ name: String, _ a: T, _ b: T) {
            if a != b { changes.append("\(name): \(String(describing: a)) → \(String(describing: b))") }
        }
        compare("customer", old.customerID, new.customerID)
        compare("customer name", old.customerName ?? "-", new.customerName ?? "-")
        compare("product", old.product, new.product)
        compare("features", old.features.sorted(), new.features.sorted())
        compare("seats", old.seats, new.seats)
        compare("pbx", old.pbx?.factors.map(\.value) ?? [], new.pbx?.factors.map(\.value) ?? [])
        compare("not before", old.notBefore.map(UTCTimestamp.format) ?? "-", new.notBefore.map(UTCTimestamp.format) ?? "-")
        compare("expires", old.expires.map(UTCTimestamp.format) ?? "never", new.expires.map(UTCTimestamp.format) ?? "never")
        compare("maintenance until", old.maintenanceUntil?.description ?? "-", new.maintenanceUntil?.description ?? "-")
        compare("grace days", old.graceDays ?? 0, new.graceDays ?? 0)
        compare("issuer", old.issuer, new.issuer)
        return changes.isEmpty ? ["signing details"] : changes
    }
}
