import Foundation

/// A PEM block (RFC 7468): a label and DER bytes, base64 in 64-column lines.
struct PEMBlock {
    let label: String
    let der: [UInt8]

    var text: String {
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
    }

    /// Reads the first PEM block of `text`. Tolerates CRLF and surrounding text.
    static func parse(_ text: String) -> PEMBlock? {
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN ") && $0.hasSuffix("-----") }) else { return nil }
        let label = String(lines[begin].dropFirst(11).dropLast(5))
        guard let end = lines[(begin + 1)...].firstIndex(of: "-----END \(label)-----") else { return nil }
        let body = lines[(begin + 1)..<end].joined()
        guard let der = Data(base64Encoded: body) else { return nil }
        return PEMBlock(label: label, der: Array(der))
    }
}
