import Foundation

/// The newest part of a log, redacted line by line as it is read: a log of any size costs
/// one chunk and the excerpt, never the whole file. UTF-16 logs (with a byte order mark, or
/// recognised by their zero bytes) become UTF-8, so the redaction sees their text.
struct LogExcerpt {
    let bytes: [UInt8]
    let size: Int64
    /// Bytes of the file taken (from its end), and those before them left out (older lines
    /// beyond the cap; a byte order mark is neither).
    let taken: Int64
    let skipped: Int64
    let encoding: String

    static let chunkSize = 64 * 1024

    /// - Parameter limit: at most this many bytes of the file are read, from its end; the
    ///   excerpt starts at the first whole line of that window.
    static func read(_ path: String, limit: Int64, redactor: Redactor) throws -> LogExcerpt {
        guard let file = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoPermission) }
        defer { try? file.close() }
        let size = Int64(try file.seekToEnd())
        try file.seek(toOffset: 0)
        let head = [UInt8](try file.read(upToCount: 512) ?? Data())
        let encoding = Encoding(head)
        let markLength = Int64(Encoding.byteOrderMarkLength(head))
        var start = max(markLength, size - limit)
        if encoding.isUTF16, (start - markLength) % 2 != 0 { start += 1 }
        try file.seek(toOffset: UInt64(start))

        var decoder = encoding.isUTF16 ? UTF16Decoder(bigEndian: encoding == .utf16BE) : nil
        var lines = LineSplitter(skipFirstLine: start > markLength, redactor: redactor)
        while let chunk = try file.read(upToCount: chunkSize), !chunk.isEmpty {
            let bytes = [UInt8](chunk)
            lines.feed(decoder?.decode(bytes) ?? bytes)
        }
        if let rest = decoder?.finish() { lines.feed(rest) }
        lines.finish()
        return LogExcerpt(bytes: lines.output, size: size, taken: size - start, skipped: start - markLength, encoding: encoding.rawValue)
    }

    enum Encoding: String {
        case utf8 = "UTF-8"
        case utf16LE = "UTF-16LE"
        case utf16BE = "UTF-16BE"

        init(_ head: [UInt8]) {
            if head.starts(with: [0xFF, 0xFE]) {
                self = .utf16LE
            } else if head.starts(with: [0xFE, 0xFF]) {
                self = .utf16BE
            } else {
                // Without a mark: text whose every other byte is zero is UTF-16.
                let pairs = head.count / 2
                let oddZeros = (0..<pairs).filter { head[2 * $0 + 1] == 0 && head[2 * $0] != 0 }.count
                let evenZeros = (0..<pairs).filter { head[2 * $0] == 0 && head[2 * $0 + 1] != 0 }.count
                self = pairs >= 2 && oddZeros * 4 >= pairs * 3 ? .utf16LE : pairs >= 2 && evenZeros * 4 >= pairs * 3 ? .utf16BE : .utf8
            }
        }

        /// The length of the byte order mark `head` starts with (0: none).
        static func byteOrderMarkLength(_ head: [UInt8]) -> Int {
            if head.starts(with: [0xEF, 0xBB, 0xBF]) { return 3 }
            return head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) ? 2 : 0
        }

        var isUTF16: Bool { self != .utf8 }
    }

    /// Splits decoded text into lines and redacts each whole line.
    private struct LineSplitter {
        var skipFirstLine: Bool
        let redactor: Redactor
        var pending: [UInt8] = []
        var output: [UInt8] = []
        var state = Redactor.BlockState()

        init(skipFirstLine: Bool, redactor: Redactor) {
            self.skipFirstLine = skipFirstLine
            self.redactor = redactor
        }

        mutating func feed(_ bytes: [UInt8]) {
            pending += bytes
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                if skipFirstLine {
                    skipFirstLine = false
                } else {
                    if redactor.redactLine(pending[start..<newline], state: &state, into: &output) { output.append(0x0A) }
                }
                start = newline + 1
            }
            pending.removeFirst(start)
        }

        mutating func finish() {
            if !pending.isEmpty, !skipFirstLine { redactor.redactLine(pending[...], state: &state, into: &output) }
            pending = []
        }
    }

    /// UTF-16 to UTF-8 across chunk ends (an odd byte, a surrogate pair cut in two).
    private struct UTF16Decoder {
        let bigEndian: Bool
        var carry: [UInt8] = []

        init(bigEndian: Bool) {
            self.bigEndian = bigEndian
        }

        mutating func decode(_ bytes: [UInt8]) -> [UInt8] {
            let all = carry + bytes
            var units: [UInt16] = []
            units.reserveCapacity(all.count / 2)
            var index = 0
            while index + 1 < all.count {
                units.append(bigEndian ? UInt16(all[index]) << 8 | UInt16(all[index + 1]) : UInt16(all[index + 1]) << 8 | UInt16(all[index]))
                index += 2
            }
            carry = Array(all[index...])
            if let last = units.last, UTF16.isLeadSurrogate(last) {
                units.removeLast()
                carry = (bigEndian ? [UInt8(last >> 8), UInt8(last & 0xFF)] : [UInt8(last & 0xFF), UInt8(last >> 8)]) + carry
            }
            return Array(String(decoding: units, as: UTF16.self).utf8)
        }

        mutating func finish() -> [UInt8]? {
            guard !carry.isEmpty else { return nil }
            defer { carry = [] }
            return Array(String(decoding: [UInt16(carry[0])], as: UTF16.self).utf8)
        }
    }
}
