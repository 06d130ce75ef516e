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
    /// Per hash of a block, `bucketStart[hash]..<bucketStart[hash + 1]` in `bucketPattern` and
    /// `bucketAt`: the patterns that hold such a block, and where (latest first, so the hits of
    /// one block come out by offset). Flat arrays: the search neither hashes nor counts references.
    private let bucketStart: [Int32]
    private let bucketPattern: [Int32]
    private let bucketAt: [Int32]
    /// The patterns' bytes one after the other; pattern `i` is `patternStart[i]..<patternStart[i + 1]`.
    private let patternBytes: [UInt8]
    private let patternStart: [Int]

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
        var blocks: [(key: Int, pattern: Int, at: Int)] = []
        for (index, pattern) in patterns.enumerated() {
            pattern.bytes.withUnsafeBytes { bytes in
                for at in 0...(shortest - 4) {
                    let key = Self.key(bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
                    filter[key >> 6] |= 1 << UInt64(key & 63)
                    blocks.append((key, index, at))
                }
            }
        }
        blocks.sort { ($0.key, $1.at) < ($1.key, $0.at) }
        var bucketStart = [Int32](repeating: 0, count: (1 << 16) + 1)
        for block in blocks { bucketStart[block.key + 1] += 1 }
        for key in 0..<(1 << 16) { bucketStart[key + 1] += bucketStart[key] }
        self.patterns = patterns
        self.signatureIssue = signatureIssue
        self.signatureParts = signatureParts
        self.longestPattern = patterns.map(\.bytes.count).max() ?? 0
        self.stride = shortest - 3
        self.filter = filter
        self.bucketStart = bucketStart
        bucketPattern = blocks.map { Int32($0.pattern) }
        bucketAt = blocks.map { Int32($0.at) }
        patternBytes = patterns.flatMap(\.bytes)
        patternStart = patterns.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.bytes.count) }
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
        let stride = stride
        filter.withUnsafeBufferPointer { filter in
            bucketStart.withUnsafeBufferPointer { bucketStart in
                bucketPattern.withUnsafeBufferPointer { bucketPattern in
                    bucketAt.withUnsafeBufferPointer { bucketAt in
                        patternBytes.withUnsafeBufferPointer { patternBytes in
                            patternStart.withUnsafeBufferPointer { patternStart in
                                var block = 0
                                while block <= last {
                                    let key = Self.key(bytes.loadUnaligned(fromByteOffset: block, as: UInt32.self))
                                    if filter[key >> 6] & (1 << UInt64(key & 63)) != 0 {
                                        for entry in Int(bucketStart[key])..<Int(bucketStart[key + 1]) {
                                            let offset = block - Int(bucketAt[entry]), pattern = Int(bucketPattern[entry])
                                            let start = patternStart[pattern], count = patternStart[pattern + 1] - start
                                            if offset >= 0 && offset + count <= bytes.count
                                                && Self.matches(UnsafeBufferPointer(rebasing: patternBytes[start..<(start + count)]), in: bytes, at: offset)
                                            {
                                                hits.append(Hit(offset: offset, pattern: pattern))
                                            }
                                        }
                                    }
                                    block += stride
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func matches(_ pattern: UnsafeBufferPointer<UInt8>, in bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        for index in 0..<pattern.count where lowercased(bytes[offset + index]) != pattern[index] { return false }
        return true
    }
}
