import CTICore

/// A plain text table with columns padded to their widest cell. A cell is one line: a control
/// character in it is escaped (and counted as shown), so no cell can break the table.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = ([header] + rows).map { $0.map(TerminalText.line) }
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
