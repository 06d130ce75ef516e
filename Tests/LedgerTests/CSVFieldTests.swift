import Testing
import Licensing
@testable import Ledger

@Suite struct CSVFieldTests {
    /// A cell that starts like a formula under any delimiter a spreadsheet may guess.
    static let dangerous = ["=1+2", "+1+2", "-1+2", "@SUM(A1:A2)", "\t=1+2", "\r=1+2", "=HYPERLINK(\"http://evil\";\"click\")", "-5"]

    @Test(arguments: dangerous)
    func aLeadingFormulaCharacterGetsAQuoteMark(cell: String) throws {
        let written = CSVField.text(cell)
        // Read back by an RFC 4180 reader, the cell is the text with a ' in front: shown, never run.
        let read = try CSV.rows("a," + written + ",b\n")
        #expect(read == [["a", "'" + cell, "b"]])
    }

    /// Each delimiter a spreadsheet may guess, inside a customer's text: the cell is quoted,
    /// so no delimiter can start a new cell that leads with a formula.
    @Test(arguments: [",", ";", "\t"])
    func everyDelimiterIsQuoted(delimiter: String) {
        for lead in ["=", "+", "-", "@"] {
            let cell = "Kanzlei\(delimiter)\(lead)HYPERLINK(\"http://evil\")"
            let written = CSVField.text(cell)
            #expect(written.hasPrefix("\"") && written.hasSuffix("\""), "\(written)")
            let line = ["CTI-1", written, "10"].joined(separator: delimiter)
            let cells = Self.split(line, on: Character(delimiter))
            #expect(cells.count == 3, "\(line)")
            #expect(cells.allSatisfy { !["=", "+", "-", "@"].contains($0.first) }, "\(cells)")
        }
    }

    @Test func quotesLineBreaksAndQuotes() throws {
        #expect(CSVField.text("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVField.text("two\nlines") == "\"two\nlines\"")
        #expect(CSVField.text("a\r\nb") == "\"a\r\nb\"")
        #expect(try CSV.rows(CSVField.text("say \"hi\", \"you\"") + "\n") == [["say \"hi\", \"you\""]])
        // Swift counts "\r\n" as one character; the lead is still a carriage return.
        #expect(CSVField.text("\r\n=1") == "\"'\r\n=1\"")
    }

    /// A quote followed by a combining mark is one Character to Swift but still a quote to a
    /// spreadsheet: it is doubled too, so it cannot end the cell early and let the rest start
    /// a formula cell. (Found by the csv-field fuzz target, scripts/fuzz.sh.)
    @Test func aQuoteWithACombiningMarkIsDoubled() throws {
        let value = "Kanzlei\"\u{0301},=HYPERLINK(\"http://evil\")"
        let written = CSVField.text(value)
        #expect(written == "\"Kanzlei\"\"\u{0301},=HYPERLINK(\"\"http://evil\"\")\"")
        #expect(written.unicodeScalars.filter { $0 == "\"" }.count == 2 + 2 * 3)
        #expect(try CSV.rows("a," + written + ",b\n") == [["a", value, "b"]])
    }

    @Test func harmlessTextAndNumbersStayAsTheyAre() {
        #expect(CSVField.text("CTI-00000001") == "CTI-00000001")
        #expect(CSVField.text("Kanzlei Muster") == "Kanzlei Muster")
        #expect(CSVField.text("") == "")
        #expect(CSVField.number(10) == "10")
        #expect(CSVField.number(-1) == "-1")  // ours, a number: never a formula
    }

    /// How a spreadsheet splits a line on the delimiter it guessed (quotes respected).
    static func split(_ line: String, on delimiter: Character) -> [String] {
        var cells: [String] = []
        var cell = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
            } else if character == delimiter && !quoted {
                cells.append(cell)
                cell = ""
            } else {
                cell.append(character)
            }
        }
        return cells + [cell]
    }
}
