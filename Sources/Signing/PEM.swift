import SwiftASN1

/// PEM (RFC 7468) through swift-asn1's `PEMDocument`. What this adds is only the tolerance
/// a key file that was mailed or edited needs: CRLF, indented lines, text around the block.
enum PEM {
    static func text(label: String, der: [UInt8]) -> String {
        PEMDocument(type: label, derBytes: der).pemString + "\n"
    }

    /// The first PEM document in `text`, or nil when there is none or it does not decode.
    static func firstDocument(in text: String) -> PEMDocument? {
        // (A CRLF pair is one Character in Swift: split on any newline, not on "\n" and "\r".)
        let lines = text.split(whereSeparator: \.isNewline).map { Self.trimmed($0) }
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN ") && $0.hasSuffix("-----") }) else { return nil }
        let label = lines[begin].dropFirst(11).dropLast(5)
        guard let end = lines[(begin + 1)...].firstIndex(of: "-----END \(label)-----") else { return nil }
        return try? PEMDocument(pemString: lines[begin...end].joined(separator: "\n"))
    }

    /// The line without leading and trailing spaces and tabs.
    private static func trimmed(_ line: Substring) -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = line.firstIndex(where: { !isBlank($0) }), let last = line.lastIndex(where: { !isBlank($0) }) else { return "" }
        return line[first...last]
    }
}
