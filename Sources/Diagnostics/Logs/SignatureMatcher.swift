/// Finds the parts of every signature in raw log bytes (UTF-8 or Windows-1252; UTF-16 is
/// transcoded to UTF-8 first) without decoding lines into strings: a 4-byte window at each
/// position is hashed into a 64 Ki-bit filter of the patterns' first four bytes, and only a
/// position that passes is compared byte by byte, ASCII letters in any case.
struct SignatureMatcher: Sendable {
    /// One spelling of one part of one signature.
    struct Pattern: Sendable {
        /// Lower-cased (ASCII letters only).
        let bytes: [UInt8]
        let signature: Int
        let part: Int
    }

    /// A part found at a byte offset of the searched buffer.
    struct Hit: Equatable {
        let offset: Int
        let pattern: Int
    }

    let patterns: [Pattern]
    /// For each signature (all issues, in order): its issue and how many parts it has.
    let signatureIssue: [Int]
    let signatureParts: [Int]
    /// The longest pattern: how much of a piece of a long line is kept to find a pattern
    /// across the cut.
    let longestPattern: Int
    private let filter: [UInt64]
    private let candidates: [Int: [Int]]

    init(issues: [KnownIssue]) {
        var patterns: [Pattern] = []
        var signatureIssue: [Int] = [], signatureParts: [Int] = []
        for (issueIndex, issue) in issues.enumerated() {
            for signature in issue.signatures {
                let signatureIndex = signatureIssue.count
                signatureIssue.append(issueIndex)
                signatureParts.append(signature.parts.count)
                for (partIndex, part) in signature.parts.enumerated() {
                    for spelling in GermanLetters.spellings(part) {
                        patterns.append(Pattern(bytes: spelling.map(Self.lowercased), signature: signatureIndex, part: partIndex))
                    }
                }
            }
        }
        var filter = [UInt64](repeating: 0, count: 1 << 10)
        var candidates: [Int: [Int]] = [:]
        for (index, pattern) in patterns.enumerated() where pattern.bytes.count >= 4 {
            let key = pattern.bytes.withUnsafeBytes { Self.key($0.loadUnaligned(as: UInt32.self)) }
            filter[key >> 6] |= 1 << UInt64(key & 63)
            candidates[key, default: []].append(index)
        }
        self.patterns = patterns
        self.signatureIssue = signatureIssue
        self.signatureParts = signatureParts
        self.longestPattern = patterns.map(\.bytes.count).max() ?? 0
        self.filter = filter
        self.candidates = candidates
    }

    static func lowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }

    /// The filter's hash of four bytes. Setting bit 5 of every byte first makes an upper- and
    /// a lower-case letter hash alike (other bytes only collide more, and the comparison
    /// decides).
    @inline(__always)
    static func key(_ window: UInt32) -> Int { Int(((window | 0x2020_2020) &* 0x9E37_79B1) >> 16) }

    /// Appends every part found in `bytes` to `hits`, by offset.
    func find(in bytes: UnsafeRawBufferPointer, into hits: inout [Hit]) {
        guard bytes.count >= 4, !patterns.isEmpty else { return }
        let last = bytes.count - 4
        filter.withUnsafeBufferPointer { filter in
            var offset = 0
            while offset <= last {
                let key = Self.key(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                if filter[key >> 6] & (1 << UInt64(key & 63)) != 0 {
                    for index in candidates[key] ?? [] where matches(patterns[index].bytes, in: bytes, at: offset) {
                        hits.append(Hit(offset: offset, pattern: index))
                    }
                }
                offset += 1
            }
        }
    }

    private func matches(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset + pattern.count <= bytes.count else { return false }
        for (index, byte) in pattern.enumerated() where Self.lowercased(bytes[offset + index]) != byte { return false }
        return true
    }
}
