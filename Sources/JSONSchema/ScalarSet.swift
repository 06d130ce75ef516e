/// A set of code points, what one regex position may match: `.`, a class `[…]`, a class escape
/// (`\d`, `\p{L}`). Ranges are sorted and merged; Unicode properties are asked of the standard
/// library's tables (`Unicode.Scalar.Properties`), never copied into ranges.
struct ScalarSet: Sendable {
    /// Sorted, disjoint, non-adjacent ranges of code point values.
    private(set) var ranges: [ClosedRange<UInt32>]
    private(set) var properties: [UnicodeProperty]
    private(set) var negated: Bool

    init(ranges: [ClosedRange<UInt32>] = [], properties: [UnicodeProperty] = [], negated: Bool = false) {
        self.ranges = Self.merged(ranges)
        self.properties = properties
        self.negated = negated
    }

    static let digits = ScalarSet(ranges: [48...57])
    static let wordCharacters = ScalarSet(ranges: [48...57, 65...90, 95...95, 97...122])
    /// ECMA-262's `\s`: WhiteSpace and LineTerminator (U+FEFF included, U+0085 not).
    static let whiteSpace = ScalarSet(ranges: [0x9...0xD, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF])
    /// `.`: anything but a line terminator.
    static let notLineTerminator = ScalarSet(ranges: [0xA...0xA, 0xD...0xD, 0x2028...0x2029], negated: true)

    /// The same members, negated (`\D`, `\P{…}`).
    var complement: ScalarSet {
        var result = self
        result.negated.toggle()
        return result
    }

    /// Adds another set's members to this (non-negated) class under construction.
    mutating func formUnion(_ other: ScalarSet) {
        if other.negated {
            // Its ranges' complement; one with properties (`\P{L}`) is kept whole, as one member.
            guard other.properties.isEmpty else {
                properties.append(UnicodeProperty(.set(other)))
                return
            }
            ranges = Self.merged(ranges + Self.complement(of: other.ranges))
        } else {
            ranges = Self.merged(ranges + other.ranges)
            properties += other.properties
        }
    }

    func contains(_ value: UInt32) -> Bool {
        var found = Self.search(ranges, value)
        if !found, !properties.isEmpty, let scalar = Unicode.Scalar(value) {
            found = properties.contains { $0.contains(scalar) }
        }
        return found != negated
    }

    private static func search(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < value {
                low = middle + 1
            } else if ranges[middle].lowerBound > value {
                high = middle
            } else {
                return true
            }
        }
        return false
    }

    private static func merged(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound &+ 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    private static func complement(of ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound + 1
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return result
    }
}
