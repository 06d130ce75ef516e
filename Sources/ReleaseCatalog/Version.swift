import CTICore

/// A version with any number of numeric parts: 2.6, 2.4.4.1, 6.5.0.30.
///
/// The order is part by part, and missing parts count as 0, so `6.5`, `6.5.0` and `6.5.0.0`
/// are the same version (equal and with the same hash); `description` keeps the text as
/// written.
public struct Version: Sendable, Comparable, Hashable, CustomStringConvertible {
    public let parts: [UInt32]
    public let description: String

    public init(_ text: String) throws(VersionError) {
        var parts: [UInt32] = []
        var current: UInt64?
        var digits = 0
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9":
                digits += 1
                guard digits <= 9 else { throw VersionError(text: text, position: offset, reason: "a part has more than 9 digits") }
                current = (current ?? 0) * 10 + UInt64(scalar.value - 48)
            case ".":
                guard let value = current else {
                    throw VersionError(text: text, position: offset, reason: offset == 0 ? "a version starts with a number, not '.'" : "empty part before '.'")
                }
                parts.append(UInt32(value))
                current = nil
                digits = 0
            default:
                throw VersionError(text: text, position: offset, reason: "unexpected '\(scalar)'; a version is numbers separated by dots, like 6.5.0.30")
            }
        }
        guard let last = current else {
            throw VersionError(text: text, position: text.unicodeScalars.count, reason: text.isEmpty ? "empty version" : "a version does not end with '.'")
        }
        parts.append(UInt32(last))
        self.parts = parts
        self.description = text
    }

    init(parts: [UInt32]) {
        self.parts = parts
        self.description = parts.map(String.init).joined(separator: ".")
    }

    /// The parts without trailing zeros: the identity of the version.
    private var significant: ArraySlice<UInt32> {
        var end = parts.count
        while end > 1 && parts[end - 1] == 0 { end -= 1 }
        return parts[..<end]
    }

    public static func == (lhs: Version, rhs: Version) -> Bool { lhs.significant == rhs.significant }

    public func hash(into hasher: inout Hasher) { hasher.combine(Array(significant)) }

    public static func < (lhs: Version, rhs: Version) -> Bool {
        for index in 0..<max(lhs.parts.count, rhs.parts.count) {
            let a = index < lhs.parts.count ? lhs.parts[index] : 0
            let b = index < rhs.parts.count ? rhs.parts[index] : 0
            if a != b { return a < b }
        }
        return false
    }

    /// The smallest version after every version that starts with these parts: for the
    /// wildcard `6.6.0.*` that is `6.6.1`.
    static func successor(ofPrefix prefix: [UInt32]) -> Version {
        guard var last = prefix.last else { return Version(parts: [UInt32.max]) }
        last = last == UInt32.max ? last : last + 1
        return Version(parts: Array(prefix.dropLast()) + [last])
    }
}

/// A version or range that could not be read: the text, the 0-based position and why.
public struct VersionError: CTIError, Equatable {
    public let text: String
    public let position: Int
    public let reason: String

    public var code: String { "version.malformed" }
    public var kind: FailureKind { .malformedInput }
    public var message: String { "\(reason) at position \(position) in \"\(text)\"" }
}
