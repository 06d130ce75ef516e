/// A CSV reader (RFC 4180: commas, double-quoted fields with "" for a quote, CRLF or LF),
/// with the row and column of every error. Also takes semicolons, as German Excel writes.
public enum CSV {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let row: Int
        public let reason: String
        public var description: String { "row \(row): \(reason)" }
    }

    /// The rows of `text`; a trailing empty line is not a row. The separator is the first of
    /// `,` or `;` found in the first line outside quotes.
    public static func rows(_ text: String) throws(Failure) -> [[String]] {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        let separator: Unicode.Scalar = {
            var quoted = false
            for scalar in scalars {
                if scalar == "\"" { quoted.toggle() }
                if !quoted && (scalar == "," || scalar == ";") { return scalar }
                if !quoted && (scalar == "\n" || scalar == "\r") { break }
            }
            return ","
        }()
        var rows: [[String]] = []
        var row: [String] = []
        var field = String.UnicodeScalarView()
        var index = 0
        var quoted = false
        var fieldWasQuoted = false
        func endField() {
            row.append(String(field))
            field = String.UnicodeScalarView()
            fieldWasQuoted = false
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if quoted {
                if scalar == "\"" {
                    if index + 1 < scalars.count && scalars[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(scalar)
                }
            } else if scalar == "\"" {
                guard field.isEmpty && !fieldWasQuoted else {
                    throw Failure(row: rows.count + 1, reason: "a quote inside an unquoted field (quote the whole field and double the quote)")
                }
                quoted = true
                fieldWasQuoted = true
            } else if scalar == separator {
                endField()
            } else if scalar == "\n" || scalar == "\r" {
                endField()
                rows.append(row)
                row = []
                if scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n" { index += 1 }
            } else {
                field.append(scalar)
            }
            index += 1
        }
        if quoted { throw Failure(row: rows.count + 1, reason: "a quoted field is not closed") }
        if !field.isEmpty || !row.isEmpty || fieldWasQuoted {
            endField()
            rows.append(row)
        }
        return rows.filter { !($0.count == 1 && $0[0].isEmpty) }
    }
}
