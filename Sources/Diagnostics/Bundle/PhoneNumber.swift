/// Phone numbers as people write them: `+49 89 1234567`, `0049 (89) 123-4567`, `089/1234567`,
/// `0171 2345678` — from a `+` or a leading zero, 6 to 15 digits. Error codes (`262631`),
/// times and dates are not: they start otherwise or stand inside a number.
enum PhoneNumber {
    static func end(in line: [UInt8], from index: Int) -> Int? {
        var cursor = index
        // Inside a date, a number or an identifier (`2026-01-02`, `1.0815`, `CTI-00000042`).
        if index >= 2, "-/.:_".utf8.contains(line[index - 1]), line[index - 2].isDigit || "-_".utf8.contains(line[index - 1]) && line[index - 2].isWordByte {
            return nil
        }
        if line[cursor] == UInt8(ascii: "(") { cursor += 1 }
        let international = cursor < line.count && line[cursor] == UInt8(ascii: "+")
        if international { cursor += 1 }
        guard cursor < line.count, line[cursor].isDigit, international || line[cursor] == UInt8(ascii: "0") else { return nil }
        var digits = 0
        var end = cursor
        while cursor < line.count {
            if line[cursor].isDigit {
                digits += 1
                cursor += 1
                end = cursor
                continue
            }
            // Between digit groups: up to three of space, `-`, `/`, `(`, `)`. A space with an
            // opening parenthesis, or a space and then a leading zero after a whole number,
            // starts the next number (`089/123456 (0171) 234567`, `+49 89 123456 / 0049 …`).
            var next = cursor
            var space = false
            var opening = false
            while next < line.count, " -/()".utf8.contains(line[next]) {
                space = space || line[next] == 0x20
                opening = opening || line[next] == UInt8(ascii: "(")
                next += 1
            }
            guard next > cursor, next - cursor <= 3, next < line.count, line[next].isDigit else { break }
            if space && (opening || (line[next] == UInt8(ascii: "0") && digits >= 6)) { break }
            cursor = next
        }
        guard (6...15).contains(digits) else { return nil }
        if end < line.count {
            if line[end].isWordByte { return nil }
            // A decimal or a time goes on: `0123456.7`, `012345:00`.
            if ".:,".utf8.contains(line[end]), end + 1 < line.count, line[end + 1].isDigit { return nil }
        }
        return startsWithDate(line[index..<end]) ? nil : end
    }

    /// `01/12/2026`, `1-12-26`: a date, not a number.
    private static func startsWithDate(_ text: ArraySlice<UInt8>) -> Bool {
        var groups: [Int] = []
        var current = 0
        for byte in text {
            if byte.isDigit {
                current += 1
            } else if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "-"), current > 0, groups.count < 2 {
                groups.append(current)
                current = 0
            } else {
                break
            }
        }
        groups.append(current)
        return groups.count == 3 && groups[0] <= 2 && groups[1] <= 2 && (2...4).contains(groups[2])
    }

    /// The same number however it is written: `+` and the digits for international numbers
    /// (`0049` counts as `+49`), else the digits.
    static func normalized(_ written: [UInt8]) -> String {
        let digits = String(decoding: written.filter(\.isDigit), as: UTF8.self)
        if written.contains(UInt8(ascii: "+")) { return "+" + digits }
        if digits.hasPrefix("00") { return "+" + digits.dropFirst(2) }
        return digits
    }
}
