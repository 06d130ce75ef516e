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
        // Told as the log scanner tells it: one rule for what a log's encoding is.
        let encoding = LogEncoding.detect(head: head)
        let bigEndian = encoding.utf16BigEndian
        let markLength = Int64(encoding.byteOrderMarkLength)
        var start = max(markLength, size - limit)
        if bigEndian != nil, (start - markLength) % 2 != 0 { start += 1 }
        try file.seek(toOffset: UInt64(start))

        var decoder = bigEndian.map { UTF16Decoder(bigEndian: $0) }
        var lines = LineSplitter(skipFirstLine: start > markLength, redactor: redactor)
        while let chunk = try file.read(upToCount: chunkSize), !chunk.isEmpty {
            let bytes = [UInt8](chunk)
            lines.feed(decoder?.decode(bytes) ?? bytes)
        }
        if let rest = decoder?.finish() { lines.feed(rest) }
        lines.finish()
        let name = bigEndian.map { $0 ? "UTF-16BE" : "UTF-16LE" } ?? "UTF-8"
        return LogExcerpt(bytes: lines.output, size: size, taken: size - start, skipped: start - markLength, encoding: name)
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

        /// The whole code units of `carry + bytes` in UTF-8 (the scanner's transcoding); an odd
        /// byte and a lead surrogate at the end wait for the next chunk.
        mutating func decode(_ bytes: [UInt8]) -> [UInt8] {
            let all = carry + bytes
            var end = all.count - all.count % 2
            if end >= 2 {
                let last = bigEndian ? UInt16(all[end - 2]) << 8 | UInt16(all[end - 1]) : UInt16(all[end - 1]) << 8 | UInt16(all[end - 2])
                if UTF16.isLeadSurrogate(last) { end -= 2 }
            }
            carry = Array(all[end...])
            var output: [UInt8] = []
            UTF16Transcoding.appendUTF8(of: Array(all[..<end]), bigEndian: bigEndian, to: &output)
            return output
        }

        /// What is left at the file's end: a lone lead surrogate or an odd byte, each U+FFFD.
        mutating func finish() -> [UInt8]? {
            guard !carry.isEmpty else { return nil }
            defer { carry = [] }
            var output: [UInt8] = []
            UTF16Transcoding.appendUTF8(of: Array(carry.prefix(carry.count - carry.count % 2)), bigEndian: bigEndian, to: &output)
            if carry.count % 2 == 1 { output += [0xEF, 0xBF, 0xBD] }
            return output
        }
    }
}
