import CTICore
import Testing
@testable import Licensing

@Suite struct OrderSheetTests {
    static let now = CivilDate("2026-11-26")!.secondsSince1970

    @Test func everyColumnIsRead() throws {
        let csv = """
            order_id,customer_id,customer_name,product,seats,features,pbx_id,pbx_mac,pbx_hostname,pbx_required,not_before,expires,maintenance_until,grace_days
            ORD-1,K-1,"Muster, Kanzlei",datev-connector,25,call-notes; datev ,SF-1,00:11:22:33:44:55,pbx.local,2,2026-01-01,2026-12-31,2027-06-30,14
            """
        let sheet = try OrderSheet(csv: csv, source: "o.csv", now: Self.now)
        #expect(sheet.problems.isEmpty)
        let request = try #require(sheet.rows.first?.request)
        #expect(request.orderID == "ORD-1")
        #expect(request.customerName == "Muster, Kanzlei")
        #expect(request.features == ["call-notes", "datev"])
        #expect(request.pbx?.required == 2)
        #expect(request.pbx?.factors.map(\.kind) == ["instance-id", "mac", "hostname"])
        #expect(request.notBefore == CivilDate("2026-01-01")!.secondsSince1970)
        #expect(request.expires == CivilDate("2027-01-01")!.secondsSince1970)  // valid through 2026-12-31
        #expect(request.maintenanceUntil == CivilDate("2027-06-30"))
        #expect(request.graceDays == 14)
    }

    @Test func badRowsNameRowAndColumnAndLeaveTheOthers() throws {
        let csv = """
            order_id,customer_id,product,seats,expires,pbx_required
            A,K,p,5,,
            B,K,p,zero,,
            C,,p,1,,
            D,K,p,1,31.12.2026,
            A,K,p,5,,
            E,K,p,1,,1
            F,K,p
            """
        let sheet = try OrderSheet(csv: csv, source: "o.csv", now: Self.now)
        #expect(sheet.rows.map(\.number) == [2])
        #expect(sheet.problems.map(\.description) == [
            "row 3, column seats: \"zero\" is not a whole number in 1...1000000",
            "row 4, column customer_id: is empty; it is required",
            "row 5, column expires: \"31.12.2026\" is not a date YYYY-MM-DD (or an RFC 3339 timestamp)",
            "row 6, column order_id: order A appears again (first in row 2)",
            "row 7, column pbx_required: is set, but no pbx_id, pbx_mac or pbx_hostname is",
            "row 8: has 3 fields, the header has 6",
        ])
    }

    /// A row is checked as the issuer checks it, and every problem of it is reported, each
    /// naming its column, not only the first.
    @Test func everyProblemOfARowIsReportedWithItsColumn() throws {
        let csv = """
            order_id,customer_id,customer_name,product,seats,expires,not_before,grace_days
            A,K\u{1B}[2J,Muster\u{9B}0m,datev-conector,2000000,2025-01-01,2025-06-01,400
            B,,,datev-connector,1,2025-01-01,,
            C,K,,datev-connector,1,,,
            """
        let sheet = try OrderSheet(csv: csv, source: "o.csv", now: Self.now, products: .builtIn)
        #expect(sheet.rows.map(\.number) == [4])
        #expect(sheet.problems.map(\.description) == [
            "row 2, column seats: \"2000000\" is not a whole number in 1...1000000",
            "row 2, column grace_days: \"400\" is not a whole number in 0...365",
            "row 2, column customer_id: contains the control character U+001B; names and ids must be printable text",
            "row 2, column customer_name: contains the control character U+009B; names and ids must be printable text",
            "row 2, column expires: 2025-01-01 is not after the start, not_before 2025-06-01: the license would end before it begins",
            "row 2, column product: \"datev-conector\" is not a known product; did you mean datev-connector? the products are connector365-cti, crm-groupware, datev-connector",
            "row 3, column customer_id: is empty; it is required",
            "row 3, column expires: 2025-01-01 is not after the start, now (2026-11-26T00:00:00Z), as no not_before is given: the license would end before it begins",
        ])
    }

    @Test func sheetsThatCannotBeReadThrow() {
        #expect { _ = try OrderSheet(csv: "", source: "o.csv", now: Self.now) } throws: { ($0 as? CTIFailure)?.code == "batch.empty" }
        #expect { _ = try OrderSheet(csv: "order_id,customer,product,seats\n", source: "o.csv", now: Self.now) } throws: {
            ($0 as? CTIFailure)?.message == "o.csv: row 1: unknown column \"customer\"; the columns are \(OrderSheet.columns.joined(separator: ", "))"
        }
        #expect { _ = try OrderSheet(csv: "order_id,product\n", source: "o.csv", now: Self.now) } throws: { ($0 as? CTIFailure)?.code == "batch.missing-column" }
    }
}
