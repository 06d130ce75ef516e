import CTICore
import Foundation
import GRDB

/// A row of `config_versions`, decoded through GRDB's record protocols: every column is
/// checked for its type, a wrong one is an error naming the table, row and column.
struct ConfigVersionRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "config_versions"

    var id: Int64?
    var path: String
    var version: Int64
    var recordedAt: Int64
    var command: String
    var reason: String
    var sha256: String
    var content: Data

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, path, version, recordedAt = "recorded_at", command, reason, sha256, content
    }
}

/// Decodes rows read from the history. A row that does not decode was written outside
/// ctictl: the error is "malformed input" (65) and names the table, the row and the column.
/// Nothing read goes through `row[column]` with a Swift type: that traps on a wrong type.
enum HistoryRows {
    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments) throws -> [ConfigVersionRecord] {
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        var records: [ConfigVersionRecord] = []
        while let row = try cursor.next() { records.append(try decode(row)) }
        return records
    }

    static func fetchOne(_ db: Database, sql: String, arguments: StatementArguments) throws -> ConfigVersionRecord? {
        guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
        return try decode(row)
    }

    static func decode(_ row: Row) throws -> ConfigVersionRecord {
        do {
            // A copy decodes each value by its stored type; a row still on its statement
            // would let SQLite convert (the text "abc" read as the integer 0).
            return try ConfigVersionRecord(row: row.copy())
        } catch let error as RowDecodingError {
            let text = String(describing: error)
            let column = row.columnNames.first { text.contains("column: \"\($0)\"") || text.contains("column \"\($0)\"") }
            let id = row.hasColumn("id") ? Int64.fromDatabaseValue(row["id"] as DatabaseValue).map(String.init) ?? "?" : "?"
            let what = column.map { "column \($0) holds \(describe(row[$0] as DatabaseValue)), which is not a valid value there" } ?? "the row does not decode"
            throw CTIFailure(
                .historyRowUndecodable,
                "table \(ConfigVersionRecord.databaseTableName), row \(id): \(what); the history was edited outside ctictl. Restore it from a backup (docs/config.md)")
        }
    }

    /// A stored value in words, with its SQLite storage class, short.
    private static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case let .int64(number): return "the integer \(number)"
        case let .double(number): return "the real number \(number)"
        case let .string(text): return "the text \"\(TerminalText.line(text.count > 40 ? String(text.prefix(40)) + "…" : text))\""
        case let .blob(data): return "a blob of \(data.count) bytes"
        }
    }
}
