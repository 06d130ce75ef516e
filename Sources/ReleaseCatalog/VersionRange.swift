import CTICore

/// A set of versions, written any of the ways the seeds and people write them:
///
/// - exact `2.4.1`, wildcard `6.6.0.*` (= `[6.6.0, 6.6.1)`), `*` (all);
/// - hyphen `6.5.0.30 - 6.6.0.*` (inclusive; a wildcard end reaches the end of the wildcard);
/// - comparators `>=6.7`, `>6.7`, `<7`, `<=7`, `=6.7`, and conjunctions `>=6.5 <7`;
/// - intervals `[6.5,6.7)`, `(6.5,6.7]`, `[6.5,)`, `(,7)`;
/// - lists `9.25, 9.26` (a union of any of the above).
///
/// Every form becomes the same normal form — sorted, merged intervals — so equivalent forms
/// compare equal and `contains` is one walk.
public struct VersionRange: Sendable, Equatable, CustomStringConvertible {
    public struct Bound: Sendable, Equatable {
        public let version: Version
        public let inclusive: Bool
    }

    /// `lower` nil: unbounded below; `upper` nil: unbounded above.
    public struct Interval: Sendable, Equatable {
        public let lower: Bound?
        public let upper: Bound?

        func contains(_ version: Version) -> Bool {
            if let lower, version < lower.version || (!lower.inclusive && version == lower.version) { return false }
            if let upper, version > upper.version || (!upper.inclusive && version == upper.version) { return false }
            return true
        }

        var isEmpty: Bool {
            guard let lower, let upper else { return false }
            return lower.version > upper.version || (lower.version == upper.version && !(lower.inclusive && upper.inclusive))
        }
    }

    public let intervals: [Interval]
    public let description: String

    public func contains(_ version: Version) -> Bool { intervals.contains { $0.contains(version) } }

    public static func == (lhs: VersionRange, rhs: VersionRange) -> Bool { lhs.intervals == rhs.intervals }

    public init(_ text: String) throws(VersionError) {
        var parser = RangeParser(text: text)
        intervals = Self.normalize(try parser.parseList())
        description = text
    }

    /// Sorts by lower bound and merges overlapping or touching intervals.
    static func normalize(_ intervals: [Interval]) -> [Interval] {
        let sorted = intervals.filter { !$0.isEmpty }.sorted { a, b in
            switch (a.lower, b.lower) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?): return x.version < y.version || (x.version == y.version && x.inclusive && !y.inclusive)
            }
        }
        var merged: [Interval] = []
        for interval in sorted {
            guard let last = merged.last else {
                merged.append(interval)
                continue
            }
            if touches(last, interval) {
                merged[merged.count - 1] = Interval(lower: last.lower, upper: maxUpper(last.upper, interval.upper))
            } else {
                merged.append(interval)
            }
        }
        return merged
    }

    private static func touches(_ a: Interval, _ b: Interval) -> Bool {
        guard let upper = a.upper else { return true }
        guard let lower = b.lower else { return true }
        if lower.version < upper.version { return true }
        return lower.version == upper.version && (lower.inclusive || upper.inclusive)
    }

    private static func maxUpper(_ a: Bound?, _ b: Bound?) -> Bound? {
        guard let a, let b else { return nil }
        if a.version == b.version { return Bound(version: a.version, inclusive: a.inclusive || b.inclusive) }
        return a.version > b.version ? a : b
    }
}

/// A recursive-descent reader of range text that knows each character's position.
private struct RangeParser {
    let text: String
    let scalars: [Unicode.Scalar]
    var index = 0

    init(text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    func fail(_ reason: String, at position: Int? = nil) -> VersionError {
        VersionError(text: text, position: position ?? index, reason: reason)
    }

    mutating func skipSpaces() {
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
    }

    var atEnd: Bool { index >= scalars.count }
    var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    mutating func parseList() throws(VersionError) -> [VersionRange.Interval] {
        var intervals: [VersionRange.Interval] = []
        skipSpaces()
        guard !atEnd else { throw fail("empty range") }
        while true {
            skipSpaces()
            intervals.append(contentsOf: try parseItem())
            skipSpaces()
            if atEnd { return intervals }
            guard current == "," else { throw fail("unexpected '\(current!)'; items of a list are separated by ','") }
            index += 1
        }
    }

    /// One item: an interval, a hyphen range, or comparators (a conjunction).
    mutating func parseItem() throws(VersionError) -> [VersionRange.Interval] {
        if current == "[" || current == "(" { return [try parseInterval()] }
        let start = index
        let first = try parseComparator()
        skipSpaces()
        if current == "-" {
            guard first.op == nil else { throw fail("a hyphen range is written 'A - B', without comparators", at: start) }
            index += 1
            skipSpaces()
            let second = try parseComparator()
            guard second.op == nil else { throw fail("a hyphen range is written 'A - B', without comparators") }
            let interval = VersionRange.Interval(lower: first.term.lowerBound, upper: second.term.upperBound)
            guard !interval.isEmpty else { throw fail("the range is empty: \(first.term) is after \(second.term)", at: start) }
            return [interval]
        }
        var result = first.interval
        while let scalar = current, scalar != "," {
            skipSpaces()
            guard !atEnd, current != "," else { break }
            let next = try parseComparator()
            result = intersect(result, next.interval)
        }
        return [result]
    }

    /// `[a,b)`, `(a,b]`, `[a,)`, `(,b)`.
    mutating func parseInterval() throws(VersionError) -> VersionRange.Interval {
        let open = index
        let lowerInclusive = current == "["
        index += 1
        skipSpaces()
        var lower: Version?
        if current != "," { lower = try parseVersion() }
        skipSpaces()
        guard current == "," else { throw fail("expected ',' in an interval like [6.5,6.7)") }
        index += 1
        skipSpaces()
        var upper: Version?
        if current != "]" && current != ")" { upper = try parseVersion() }
        skipSpaces()
        guard let close = current, close == "]" || close == ")" else { throw fail("expected ']' or ')' to close the interval opened at position \(open)") }
        index += 1
        if lower == nil && lowerInclusive { throw fail("an interval without lower bound opens with '('", at: open) }
        if upper == nil && close == "]" { throw fail("an interval without upper bound closes with ')'", at: index - 1) }
        let interval = VersionRange.Interval(
            lower: lower.map { VersionRange.Bound(version: $0, inclusive: lowerInclusive) },
            upper: upper.map { VersionRange.Bound(version: $0, inclusive: close == "]") })
        guard !interval.isEmpty else { throw fail("the interval is empty", at: open) }
        return interval
    }

    struct Comparator {
        let op: String?
        let term: Term

        var interval: VersionRange.Interval {
            switch op {
            case ">=": return .init(lower: term.lowerBound, upper: nil)
            case ">": return .init(lower: term.upperBound.map { .init(version: $0.version, inclusive: !$0.inclusive) }, upper: nil)
            case "<": return .init(lower: nil, upper: term.lowerBound.map { .init(version: $0.version, inclusive: false) })
            case "<=": return .init(lower: nil, upper: term.upperBound)
            default: return .init(lower: term.lowerBound, upper: term.upperBound)
            }
        }
    }

    /// A version or a wildcard (`6.6.0.*`, `*`).
    struct Term: CustomStringConvertible {
        let prefix: [UInt32]
        let wildcard: Bool
        let description: String

        var lowerBound: VersionRange.Bound? {
            prefix.isEmpty ? nil : .init(version: Version(parts: prefix), inclusive: true)
        }

        var upperBound: VersionRange.Bound? {
            if !wildcard { return .init(version: Version(parts: prefix), inclusive: true) }
            return prefix.isEmpty ? nil : .init(version: Version.successor(ofPrefix: prefix), inclusive: false)
        }
    }

    mutating func parseComparator() throws(VersionError) -> Comparator {
        var op: String?
        for candidate in [">=", "<=", ">", "<", "="] where text.unicodeScalars.dropFirst(index).starts(with: candidate.unicodeScalars) {
            op = candidate
            index += candidate.unicodeScalars.count
            break
        }
        skipSpaces()
        let term = try parseTerm()
        if term.wildcard && (op == ">" || op == "<") && term.prefix.isEmpty { throw fail("'\(op!)*' means nothing") }
        return Comparator(op: op, term: term)
    }

    mutating func parseTerm() throws(VersionError) -> Term {
        let start = index
        if current == "*" {
            index += 1
            return Term(prefix: [], wildcard: true, description: "*")
        }
        var end = index
        while end < scalars.count, ("0"..."9").contains(scalars[end]) || scalars[end] == "." { end += 1 }
        if end < scalars.count, scalars[end] == "*" {
            // `6.6.0.*`: the digits before must end with a dot.
            guard end > start, scalars[end - 1] == "." else { throw fail("a wildcard is a whole part, like 6.6.0.*", at: end) }
            let prefixText = String(String.UnicodeScalarView(scalars[start..<(end - 1)]))
            let prefix: Version
            do {
                prefix = try Version(prefixText)
            } catch {
                throw VersionError(text: text, position: start + error.position, reason: error.reason)
            }
            index = end + 1
            return Term(prefix: prefix.parts, wildcard: true, description: prefixText + ".*")
        }
        guard end > start else {
            throw fail(atEnd ? "expected a version" : "unexpected '\(scalars[start])'; expected a version like 6.7.0.30 or 6.7.0.*")
        }
        let version = try parseVersion()
        return Term(prefix: version.parts, wildcard: false, description: version.description)
    }

    mutating func parseVersion() throws(VersionError) -> Version {
        let start = index
        while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == "." { index += 1 }
        if let next = current, ![" ", "\t", ",", "-", "]", ")"].contains(next) {
            throw fail("unexpected '\(next)'; a version is numbers separated by dots, like 6.5.0.30")
        }
        let versionText = String(String.UnicodeScalarView(scalars[start..<index]))
        do {
            return try Version(versionText)
        } catch {
            throw VersionError(text: text, position: start + error.position, reason: error.reason)
        }
    }

    func intersect(_ a: VersionRange.Interval, _ b: VersionRange.Interval) -> VersionRange.Interval {
        func maxLower(_ x: VersionRange.Bound?, _ y: VersionRange.Bound?) -> VersionRange.Bound? {
            guard let x else { return y }
            guard let y else { return x }
            if x.version == y.version { return .init(version: x.version, inclusive: x.inclusive && y.inclusive) }
            return x.version > y.version ? x : y
        }
        func minUpper(_ x: VersionRange.Bound?, _ y: VersionRange.Bound?) -> VersionRange.Bound? {
            guard let x else { return y }
            guard let y else { return x }
            if x.version == y.version { return .init(version: x.version, inclusive: x.inclusive && y.inclusive) }
            return x.version < y.version ? x : y
        }
        return .init(lower: maxLower(a.lower, b.lower), upper: minUpper(a.upper, b.upper))
    }
}
