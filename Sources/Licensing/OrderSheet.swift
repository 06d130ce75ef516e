import CTICore

/// A batch of orders from CSV: one license request per row. The columns (header row, any
/// order, case-insensitive) are documented in docs/batch.md. Every problem names its row
/// (as a spreadsheet shows it, the header being row 1) and column.
public struct OrderSheet: Sendable {
    public struct Row: Sendable {
        /// The row number as a spreadsheet shows it (header = 1).
        public let number: Int
        public let request: LicenseRequest
    }

    public struct Problem: Sendable, Equatable, Encodable {
        public let row: Int
        public let column: String?
        public let message: String

        public var description: String { "row \(row)\(column.map { ", column \($0)" } ?? ""): \(message)" }
    }

    public static let columns = [
        "order_id", "customer_id", "customer_name", "product", "seats", "features", "pbx_id", "pbx_mac", "pbx_hostname", "pbx_required",
        "not_before", "expires", "maintenance_until", "grace_days",
    ]
    public static let requiredColumns: Set<String> = ["order_id", "customer_id", "product", "seats"]

    public let rows: [Row]
    public let problems: [Problem]

    /// Reads the sheet. A sheet that cannot be read at all (no header, unknown columns)
    /// throws; a row is checked as the issuer will check it (as if issued at `now`, against
    /// the known products when given), every problem of a row is reported, and the other
    /// rows stay usable.
    public init(csv text: String, source: String, issuer: String = LicenseRequest.defaultIssuer, now: Int64, products: KnownProducts? = nil) throws {
        let table: [[String]]
        do {
            table = try CSV.rows(text)
        } catch {
            throw CTIFailure(.batchCsvMalformed, "\(source): \(error.description)")
        }
        guard let header = table.first else {
            throw CTIFailure(.batchEmpty, "\(source): the file is empty; expected a header row with \(Self.requiredColumns.sorted().joined(separator: ", "))")
        }
        let names = header.map { $0.trimmingWhitespace.lowercased() }
        if let unknown = names.first(where: { !Self.columns.contains($0) }) {
            throw CTIFailure(.batchUnknownColumn, "\(source): row 1: unknown column \"\(unknown)\"; the columns are \(Self.columns.joined(separator: ", "))")
        }
        let missing = Self.requiredColumns.subtracting(names)
        guard missing.isEmpty else {
            throw CTIFailure(.batchMissingColumn, "\(source): row 1: required column\(missing.count == 1 ? "" : "s") missing: \(missing.sorted().joined(separator: ", "))")
        }
        var rows: [Row] = []
        var problems: [Problem] = []
        var firstRowOfOrder: [String: Int] = [:]
        for (offset, cells) in table.dropFirst().enumerated() {
            let number = offset + 2
            guard cells.count == names.count else {
                problems.append(Problem(row: number, column: nil, message: "has \(cells.count) fields, the header has \(names.count)"))
                continue
            }
            var values: [String: String] = [:]
            for (name, cell) in zip(names, cells) where !cell.trimmingWhitespace.isEmpty { values[name] = cell.trimmingWhitespace }
            var reader = RowReader(values: values)
            let request = reader.request(issuer: issuer)
            var found = reader.problems
            // The issuer's own check, for the columns that could be read at all.
            for problem in request.problems(at: now, products: products) where !found.contains(where: { $0.column == problem.field.column }) {
                found.append((problem.field.column, problem.predicate(.columns)))
            }
            if let order = values["order_id"], let first = firstRowOfOrder[order] {
                found.append(("order_id", "order \(order) appears again (first in row \(first))"))
            } else if let order = values["order_id"] {
                firstRowOfOrder[order] = number
            }
            if found.isEmpty {
                rows.append(Row(number: number, request: request))
            } else {
                problems += found.map { Problem(row: number, column: $0.column, message: $0.message) }
            }
        }
        self.rows = rows
        self.problems = problems
    }
}

/// Reads one row's cells into a request, noting every cell that cannot be read (a cell that
/// cannot be read leaves a placeholder, which the issuer's check then skips).
private struct RowReader {
    let values: [String: String]
    var problems: [(column: String?, message: String)] = []

    init(values: [String: String]) {
        self.values = values
    }

    mutating func request(issuer: String) -> LicenseRequest {
        let factors = [(PBXFactor.instanceID, "pbx_id"), (PBXFactor.mac, "pbx_mac"), (PBXFactor.hostname, "pbx_hostname")]
            .compactMap { kind, column in values[column].map { PBXFactor(kind: kind, value: $0) } }
        let pbxRequired = integer("pbx_required", 1...max(1, factors.count))
        if values["pbx_required"] != nil && factors.isEmpty {
            problems.append(("pbx_required", "is set, but no pbx_id, pbx_mac or pbx_hostname is"))
        }
        var maintenance: CivilDate?
        if let text = values["maintenance_until"] {
            maintenance = CivilDate(text)
            if maintenance == nil { problems.append(("maintenance_until", "\"\(text)\" is not a date YYYY-MM-DD")) }
        }
        let seats = required("seats").isEmpty ? nil : integer("seats", ClaimLimits.standard.seats)
        return LicenseRequest(
            issuer: issuer, customerID: required("customer_id"), customerName: values["customer_name"], product: required("product"),
            features: (values["features"] ?? "").split(separator: ";").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty },
            seats: seats ?? ClaimLimits.standard.seats.lowerBound,
            pbx: factors.isEmpty ? nil : PBXBinding(factors: factors, required: pbxRequired),
            notBefore: date("not_before", end: false), expires: date("expires", end: true), maintenanceUntil: maintenance,
            graceDays: integer("grace_days", ClaimLimits.standard.graceDays), orderID: required("order_id"))
    }

    private mutating func required(_ column: String) -> String {
        guard let value = values[column] else {
            problems.append((column, "is empty; it is required"))
            return ""
        }
        return value
    }

    private mutating func integer(_ column: String, _ range: ClosedRange<Int>) -> Int? {
        guard let text = values[column] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            problems.append((column, "\"\(text)\" is not a whole number in \(range.lowerBound)...\(range.upperBound)"))
            return nil
        }
        return value
    }

    private mutating func date(_ column: String, end: Bool) -> Int64? {
        guard let text = values[column] else { return nil }
        if let day = CivilDate(text) { return end ? day.next.secondsSince1970 : day.secondsSince1970 }
        if let instant = UTCTimestamp.parse(text) { return instant }
        problems.append((column, "\"\(text)\" is not a date YYYY-MM-DD (or an RFC 3339 timestamp)"))
        return nil
    }
}
