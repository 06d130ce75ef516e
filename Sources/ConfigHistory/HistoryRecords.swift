import CTICore
import Foundation
import GRDB
import SQLiteStore

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
    /// The client release this content was written for (`config migrate`), when known.
    var release: String?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, path, version, recordedAt = "recorded_at", command, reason, sha256, content, release
    }
}

extension ConfigVersionRecord: IntegerColumns {
    static let integerColumns = ["id", "version", "recorded_at"]
}

/// The config history as a store: its rows are decoded strictly, a file that is not a
/// history is refused, and creating one takes the lock beside it.
extension StoreKind {
    static let configHistory = StoreKind(
        name: "config history", firstMigration: "v1-config-versions", rowUndecodable: .historyRowUndecodable,
        notAStore: .historyNotAHistory, unreadable: .historyUnusable, lockFailed: .historyLockFailed, damaged: .historyUnusable,
        readFailed: .historyUnusable, writeFailed: .historyWriteFailed,
        repairAdvice: "Restore it from a backup (docs/config.md)",
        wrongFileAdvice: "point --history or $CTICTL_CONFIG_HISTORY at the history, or move the file away")
}

let historyRows = StrictRows(kind: .configHistory)
