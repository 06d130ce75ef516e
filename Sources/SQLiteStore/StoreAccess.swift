import CTICore
import GRDB

/// Reads and writes a store, every failure as the store's own error: a row of the wrong type
/// names the store (65), a damaged file is the input's fault (65), anything else the tool's or
/// the disk's (70). Writes take the write lock up front (IMMEDIATE), so concurrent writers
/// queue instead of deadlocking on a lock upgrade.
public struct StoreAccess: Sendable {
    public let database: DatabaseQueue
    public let path: String
    public let kind: StoreKind

    public init(database: DatabaseQueue, path: String, kind: StoreKind) {
        self.database = database
        self.path = path
        self.kind = kind
    }

    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try translatingFailures(writing: false) { try database.read(body) }
    }

    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try translatingFailures(writing: true) {
            try database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw CTIFailure(kind.writeFailed, "\(path): the transaction returned nothing") }
                return result
            }
        }
    }

    private func translatingFailures<T>(writing: Bool, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CTIFailure where error.errorCode == kind.rowUndecodable {
            throw error.naming(path)
        } catch let error as RowDecodingError {
            throw StrictRows(kind: kind).failure(for: error).naming(path)
        } catch let error as DatabaseError {
            let code = [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) ? kind.damaged : writing ? kind.writeFailed : kind.readFailed
            throw CTIFailure(code, "\(path): could not \(writing ? "write" : "read") the \(kind.name) (\(error.message ?? "SQLite error \(error.resultCode)"))")
        }
    }
}
