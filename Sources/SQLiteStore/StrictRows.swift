import CTICore
import GRDB

/// A record whose INTEGER columns must hold integers: SQLite stores whatever it is given, and
/// GRDB reads a REAL as an integer by truncating it (2.5 seats would be 2).
public protocol IntegerColumns {
    static var integerColumns: [String] { get }
}

/// Decodes rows read from a store. A row that does not decode (a value of the wrong type, an
/// unknown enum case) was written outside ctictl: the error names the table, the row and the
/// column and is "malformed input" (exit 65), because the file, not the tool, is wrong.
/// Nothing read goes through GRDB's non-throwing column subscript: it traps.
public struct StrictRows: Sendable {
    public let kind: StoreKind

    public init(kind: StoreKind) {
        self.kind = kind
    }

    public func fetchAll<Record: FetchableRecord & TableRecord>(
        _ type: Record.Type, _ db: Database, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> [Record] {
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        var records: [Record] = []
        while let row = try cursor.next() {
            records.append(try decode(type, row))
        }
        return records
    }

    public func fetchOne<Record: FetchableRecord & TableRecord>(
        _ type: Record.Type, _ db: Database, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> Record? {
        guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
        return try decode(type, row)
    }

    public func decode<Record: FetchableRecord & TableRecord>(_ type: Record.Type, _ row: Row) throws -> Record {
        if let typed = Record.self as? any IntegerColumns.Type {
            for column in typed.integerColumns {
                if let stored = Self.value(row, column), !stored.isNull, !stored.isInteger {
                    throw undecodable(table: Record.databaseTableName, row: row, column: column)
                }
            }
        }
        do {
            // A copy decodes each value by its stored type; a row still on its statement would
            // let SQLite convert (the text "abc" read as the integer 0).
            return try Record(row: row.copy())
        } catch let error as RowDecodingError {
            throw undecodable(table: Record.databaseTableName, row: row, column: Self.columnName(in: error, row: row))
        }
    }

    /// The error for a row that did not decode, naming what the row is and which column.
    /// (The store's read and write wrappers put its path in front.)
    public func undecodable(table: String, row: Row, column: String?) -> CTIFailure {
        var place = "table \(table)"
        if let id = Self.value(row, "id") { place += ", row \(Int64.fromDatabaseValue(id).map(String.init) ?? Self.describe(id))" }
        if let serial = Self.value(row, "serial").flatMap(String.fromDatabaseValue) { place += " (\(serial))" }
        let what: String
        if let column, let stored = Self.value(row, column) {
            what = "column \(column) holds \(Self.describe(stored)), which is not a valid value there"
        } else {
            what = "the row does not decode"
        }
        return CTIFailure(kind.rowUndecodable, "\(place): \(what); the \(kind.name) was edited outside ctictl. \(kind.repairAdvice)")
    }

    /// A value GRDB could not convert in a query that reads no record (a count, an identifier):
    /// the same kind of error as an undecodable row, never an "internal error".
    public func failure(for error: RowDecodingError) -> CTIFailure {
        let text = String(describing: error)
        var column = "a column"
        if let start = text.range(of: "column: \""), let end = text[start.upperBound...].firstIndex(of: "\"") {
            column = "column " + text[start.upperBound..<end]
        }
        return CTIFailure(kind.rowUndecodable, "\(column) holds a value of the wrong type; the \(kind.name) was edited outside ctictl. \(kind.repairAdvice)")
    }

    /// A column's stored value, or nil when the row has no such column. Read by walking the
    /// row's (name, value) pairs: GRDB's column subscript traps on a missing column.
    public static func value(_ row: Row, _ column: String) -> DatabaseValue? {
        row.first { name, _ in name.lowercased() == column.lowercased() }?.1
    }

    /// GRDB names the column in its error's text (its context is not public).
    private static func columnName(in error: RowDecodingError, row: Row) -> String? {
        let text = String(describing: error)
        return row.columnNames.first { text.contains("column: \"\($0)\"") || text.contains("column \"\($0)\"") }
    }

    /// A stored value in words, with its SQLite storage class, short.
    public static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case let .int64(number): return "the integer \(number)"
        case let .double(number): return "the real number \(number)"
        case let .string(text): return "the text \(JSONWriter.quoted(text.count > 40 ? String(text.prefix(40)) + "…" : text))"
        case let .blob(data): return "a blob of \(data.count) bytes"
        }
    }
}

extension DatabaseValue {
    var isInteger: Bool {
        if case .int64 = storage { return true }
        return false
    }
}
