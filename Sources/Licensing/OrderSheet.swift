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
    /// throws; a bad row is a problem of that row, and the other rows stay usable.
    public init(csv text: String, source: String, issuer: String = LicenseRequest.defaultIssuer) throws {
        let table: [[String]]
        do {
            table = try CSV.rows(text)
        } catch {
            throw LicenseError.malformed("batch.csv-malformed", "\(source): \(error.description)")
        }
        guard let header = table.first else {
            throw LicenseError.malformed("batch.empty", "\(source): the file is empty; expected a header row with \(Self.requiredColumns.sorted().joined(separator: ", "))")
        }
        let names = header.map { $0.trimmingWhitespace.lowercased() }
        if let unknown = names.first(where: { !Self.columns.contains($0) }) {
            throw LicenseError.malformed(
                "batch.unknown-column", "\(source): row 1: unknown column \"\(unknown)\"; the columns are \(Self.columns.joined(separator: ", "))")
        }
        let missing = Self.requiredColumns.subtracting(names)
        guard missing.isEmpty else {
            throw LicenseError.malformed("batch.missing-column", "\(source): row 1: required column\(missing.count == 1 ? "" : "s") missing: \(missing.sorted().joined(separator: ", "))")
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
            do {
                let request = try Self.request(values, issuer: issuer)
                if let order = request.orderID, let first = firstRowOfOrder[order] {
                    throw Problem(row: number, column: "order_id", message: "order \(order) appears again (first in row \(first))")
                }
                firstRowOfOrder[request.orderID ?? ""] = number
                rows.append(Row(number: number, request: request))
            } catch let problem as Problem {
                problems.append(Problem(row: number, column: problem.column, message: problem.message))
            }
        }
        self.rows = rows
        self.problems = problems
    }

    private static func request(_ values: [String: String], issuer: String) throws -> LicenseRequest {
        func required(_ column: String) throws -> String {
            guard let value = values[column] else { throw Problem(row: 0, column: column, message: "is empty; it is required") }
            return value
        }
        func integer(_ column: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = values[column] else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw Problem(row: 0, column: column, message: "\"\(text)\" is not a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        func date(_ column: String, end: Bool) throws -> Int64? {
            guard let text = values[column] else { return nil }
            if let day = CivilDate(text) { return end ? day.next.secondsSince1970 : day.secondsSince1970 }
            if let instant = UTCTimestamp.parse(text) { return instant }
            throw Problem(row: 0, column: column, message: "\"\(text)\" is not a date YYYY-MM-DD (or an RFC 3339 timestamp)")
        }
        let factors = [(PBXFactor.instanceID, "pbx_id"), (PBXFactor.mac, "pbx_mac"), (PBXFactor.hostname, "pbx_hostname")]
            .compactMap { kind, column in values[column].map { PBXFactor(kind: kind, value: $0) } }
        let pbxRequired = try integer("pbx_required", 1...max(1, factors.count))
        if pbxRequired != nil && factors.isEmpty {
            throw Problem(row: 0, column: "pbx_required", message: "is set, but no pbx_id, pbx_mac or pbx_hostname is")
        }
        var maintenance: CivilDate?
        if let text = values["maintenance_until"] {
            guard let day = CivilDate(text) else { throw Problem(row: 0, column: "maintenance_until", message: "\"\(text)\" is not a date YYYY-MM-DD") }
            maintenance = day
        }
        let request = LicenseRequest(
            issuer: issuer, customerID: try required("customer_id"), customerName: values["customer_name"], product: try required("product"),
            features: (values["features"] ?? "").split(separator: ";").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty },
            seats: try required("seats").isEmpty ? 0 : try integer("seats", 1...1_000_000) ?? 0, pbx: factors.isEmpty ? nil : PBXBinding(factors: factors, required: pbxRequired),
            notBefore: try date("not_before", end: false), expires: try date("expires", end: true), maintenanceUntil: maintenance,
            graceDays: try integer("grace_days", 0...365), orderID: try required("order_id"))
        if let notBefore = request.notBefore, let expires = request.expires, expires <= notBefore {
            throw Problem(row: 0, column: "expires", message: "is not after not_before")
        }
        return request
    }
}

extension OrderSheet.Problem: Error {}
