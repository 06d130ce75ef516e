#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address found in text: its one spelling (so `10.0.0.05` and `10.0.0.5`, or two ways of
/// writing an IPv6 address, get one pseudonym), whether it is private, and whether it says
/// nothing about anyone (loopback, unspecified, broadcast, a netmask) and is kept.
struct IPAddressText: Equatable {
    let normalized: String
    let kind: PseudonymKind
    let isKept: Bool

    /// Dotted decimal, four parts of 0…255.
    static func v4(_ text: [UInt8]) -> IPAddressText? {
        var octets: [Int] = []
        var current: Int?
        var digits = 0
        for byte in text {
            if byte.isDigit {
                digits += 1
                guard digits <= 3 else { return nil }
                current = (current ?? 0) * 10 + Int(byte - 0x30)
            } else if byte == UInt8(ascii: "."), let value = current {
                octets.append(value)
                current = nil
                digits = 0
            } else {
                return nil
            }
        }
        guard let last = current else { return nil }
        octets.append(last)
        guard octets.count == 4, octets.allSatisfy({ $0 <= 255 }) else { return nil }
        return IPAddressText(octets: octets)
    }

    private init(octets: [Int]) {
        normalized = octets.map(String.init).joined(separator: ".")
        let (a, b) = (octets[0], octets[1])
        let isPrivate = a == 10 || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168) || (a == 169 && b == 254) || (a == 100 && (64...127).contains(b))
        kind = isPrivate ? .lanIP : .ip
        let bits = octets.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let isNetmask = a == 255 && (~bits &+ 1) & ~bits == 0
        isKept = a == 127 || bits == 0 || isNetmask
    }

    /// IPv6 in any of its spellings (with an embedded IPv4 address too).
    static func v6(_ text: String) -> IPAddressText? {
        guard text.contains(":") else { return nil }
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &address) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return IPAddressText(octets: bytes[12...].map(Int.init))
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        let isPrivate = (bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80) || bytes[0] & 0xFE == 0xFC
        let isLoopbackOrUnspecified = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] <= 1
        return IPAddressText(
            normalized: String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
            kind: isPrivate ? .lanIP : .ip, isKept: isLoopbackOrUnspecified)
    }

    private init(normalized: String, kind: PseudonymKind, isKept: Bool) {
        self.normalized = normalized
        self.kind = kind
        self.isKept = isKept
    }
}
