/// Cells of CSV written for spreadsheets (RFC 4180), safe against CSV injection as OWASP
/// describes it, whichever delimiter the spreadsheet guesses (`,`, `;` or tab).
public enum CSVField {
    /// What makes a spreadsheet read a cell as a formula (or cut it into one) when it leads.
    /// (Scalars, not characters: Swift counts "\r\n" as one character.)
    static let formulaLeads: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    /// What a spreadsheet may split or end a cell on, so a cell holding one is quoted.
    static let needsQuotes: Set<Unicode.Scalar> = [",", ";", "\t", "\"", "\r", "\n"]

    /// A cell of text from an input (a customer name, an order id): a leading `=`, `+`, `-`,
    /// `@`, tab or carriage return gets a `'` before it, so the cell is shown as text and never
    /// run — even when it looks like a number (`-5`: a customer id is text, and the `'` keeps it
    /// as typed); a cell with a delimiter, a quote or a line break is quoted, quotes doubled.
    public static func text(_ value: String) -> String {
        var cell = value
        if let first = cell.unicodeScalars.first, formulaLeads.contains(first) { cell = "'" + cell }
        guard cell.unicodeScalars.contains(where: needsQuotes.contains) else { return cell }
        // Every quote scalar is doubled, also one that a combining mark after it makes part of
        // a larger Character (which splitting on the Character `"` would miss, leaving a quote
        // that ends the cell early in a spreadsheet).
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in cell.unicodeScalars {
            if scalar == "\"" { quoted.append(scalar) }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }

    /// A cell holding a number ctictl itself wrote (seats): the plain number, so the
    /// spreadsheet can sum it. It is not text from an input, and a number is never a formula.
    public static func number(_ value: Int) -> String { String(value) }
}
