import Testing
@testable import Licensing

@Suite struct CSVTests {
    @Test func readsRFC4180() throws {
        let rows = try CSV.rows("a,b,c\r\n1,\"x, \"\"y\"\"\",\n\"multi\nline\",2,3\n")
        #expect(rows == [["a", "b", "c"], ["1", "x, \"y\"", ""], ["multi\nline", "2", "3"]])
    }

    @Test func readsSemicolonsAsGermanExcelWritesThem() throws {
        #expect(try CSV.rows("\u{FEFF}order_id;seats\nA-1;5") == [["order_id", "seats"], ["A-1", "5"]])
    }

    @Test func namesTheRowOfAnError() {
        #expect { _ = try CSV.rows("a,b\n1,x\"y\n") } throws: { ($0 as? CSV.Failure)?.row == 2 }
        #expect { _ = try CSV.rows("a,b\n1,\"open\n") } throws: { ($0 as? CSV.Failure)?.row == 2 }
    }
}
