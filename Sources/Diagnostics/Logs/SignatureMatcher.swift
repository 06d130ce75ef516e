/// Finds the parts of every signature in raw log bytes (UTF-8 or Windows-1252; UTF-16 is
/// transcoded to UTF-8 first) without decoding lines into strings. With `m` the shortest
/// pattern's length, every occurrence of a pattern holds a whole 4-byte block starting at a
/// multiple of `m - 3`; so only those blocks are looked at (every 7th byte for the FAQ's
/// patterns), each hashed into a 64 Ki-bit filter of the 4-byte blocks of the patterns' first
/// `m` bytes. A block that passes is followed by a byte-by-byte comparison of the patterns
/// that hold it, at the offsets where they hold it (ASCII letters in any case). The checks are
/// independent of each other, so the processor overlaps them.
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
    /// The blocks looked at are this far apart: the shortest pattern's length less 3.
    private let stride: Int
    /// One bit per hash of the patterns' blocks.
    private let filter: [UInt64]
    /// Per hash of a block: the patterns that hold it, and where (latest first, so the hits of
    /// one block come out by offset).
    private let candidates: [Int: [(pattern: Int, at: Int)]]

    init(issues: [KnownIssue]) {
        var patterns: [Pattern] = []
        var signatureIssue: [Int] = [], signatureParts: [Int] = []
        for (issueIndex, issue) in issues.enumerated() {
            for signature in issue.signatures {
                let signatureIndex = signatureIssue.count
                signatureIssue.append(issueIndex)
                signatureParts.append(signature.parts.count)
                for (partIndex, part) in signature.parts.enumerated() {
                    for spelling in GermanLetters.spellings(part) where spelling.count >= 4 {
                        patterns.append(Pattern(bytes: spelling.map(Self.lowercased), signature: signatureIndex, part: partIndex))
                    }
                }
            }
        }
        let shortest = patterns.map(\.bytes.count).min() ?? 4
        var filter = [UInt64](repeating: 0, count: 1 << 10)
        var candidates: [Int: [(pattern: Int, at: Int)]] = [:]
        for (index, pattern) in patterns.enumerated() {
            pattern.bytes.withUnsafeBytes { bytes in
                for at in 0...(shortest - 4) {
                    let key = Self.key(bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
                    filter[key >> 6] |= 1 << UInt64(key & 63)
                    candidates[key, default: []].append((index, at))
                }
            }
        }
        self.patterns = patterns
        self.signatureIssue = signatureIssue
        self.signatureParts = signatureParts
        self.longestPattern = patterns.map(\.bytes.count).max() ?? 0
        self.stride = shortest - 3
        self.filter = filter
        self.candidates = candidates.mapValues { $0.sorted { $0.at > $1.at } }
    }

    static func lowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }

    /// The hash of four bytes. Setting bit 5 of every byte first makes an upper- and a
    /// lower-case letter hash alike (other bytes only collide more: the comparison decides).
    @inline(__always)
    static func key(_ bytes: UInt32) -> Int { Int(((bytes | 0x2020_2020) &* 0x9E37_79B1) >> 16) }

    /// Appends every part found in `bytes` to `hits`, by offset.
    func find(in bytes: UnsafeRawBufferPointer, into hits: inout [Hit]) {
        guard !patterns.isEmpty, bytes.count >= 4 else { return }
        let last = bytes.count - 4
        filter.withUnsafeBufferPointer { filter in
            var block = 0
            while block <= last {
                let key = Self.key(bytes.loadUnaligned(fromByteOffset: block, as: UInt32.self))
                if filter[key >> 6] & (1 << UInt64(key & 63)) != 0 {
                    for (index, at) in candidates[key] ?? [] where block >= at && matches(patterns[index].bytes, in: bytes, at: block - at) {
                        hits.append(Hit(offset: block - at, pattern: index))
                    }
                }
                block += stride
            }
        }
    }

    private func matches(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset + pattern.count <= bytes.count else { return false }
        for (index, byte) in pattern.enumerated() where Self.lowercased(bytes[offset + index]) != byte { return false }
        return true
    }
}
