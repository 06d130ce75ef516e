import CTICore

/// The ledger as CSV (RFC 4180, comma-separated, a header row), for spreadsheets.
public enum LedgerCSV {
    public static let columns = ["serial", "order_id", "customer_id", "customer_name", "product", "seats", "kid", "issued_at", "expires_at", "status"]

    public static func render(_ entries: [LedgerEntry]) -> String {
        var lines = [columns.joined(separator: ",")]
        for entry in entries {
            let fields = [
                entry.serial, entry.orderID ?? "", entry.customerID, entry.customerName ?? "", entry.product, String(entry.seats), entry.kid,
                UTCTimestamp.format(entry.issuedAt), entry.expiresAt.map(UTCTimestamp.format) ?? "", entry.status.rawValue,
            ]
            lines.append(fields.map(quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Quotes a field when it needs it; a leading =, +, - or @ is prefixed with ' so that a
    /// spreadsheet never runs a customer name as a formula.
    static func quoted(_ field: String) -> String {
        var text = field
        if let first = text.first, "=+-@".contains(first), Int(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
