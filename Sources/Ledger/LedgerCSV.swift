import CTICore

/// The ledger as CSV (RFC 4180, comma-separated, a header row), for spreadsheets. Cells follow
/// `CSVField`: text from orders cannot run as a formula, whichever delimiter is guessed.
public enum LedgerCSV {
    public static let columns = ["serial", "order_id", "customer_id", "customer_name", "product", "seats", "kid", "issued_at", "expires_at", "status"]

    public static func render(_ entries: [LedgerEntry]) -> String {
        var lines = [columns.joined(separator: ",")]
        for entry in entries {
            let cells = [
                CSVField.text(entry.serial), CSVField.text(entry.orderID ?? ""), CSVField.text(entry.customerID), CSVField.text(entry.customerName ?? ""),
                CSVField.text(entry.product), CSVField.number(entry.seats), CSVField.text(entry.kid), CSVField.text(UTCTimestamp.format(entry.issuedAt)),
                CSVField.text(entry.expiresAt.map(UTCTimestamp.format) ?? ""), CSVField.text(entry.status.rawValue),
            ]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
