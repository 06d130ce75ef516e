#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What kind of address an IP address is, as far as a client in an office LAN is concerned
/// (the blocks of docs/config.md's `public-ip`, told apart).
public enum AddressKind: String, Sendable, Equatable {
    /// RFC 1918 (10/8, 172.16/12, 192.168/16) and IPv6 unique local (fc00::/7): the LAN.
    case privateLAN = "private"
    /// 127/8, ::1: this computer, never the PBX.
    case loopback
    /// 169.254/16, fe80::/10: an address a computer gives itself when DHCP fails.
    case linkLocal = "link-local"
    /// 100.64/10: the provider's carrier-grade NAT, neither the LAN nor reachable from it.
    case sharedCGNAT = "cgnat"
    /// 0/8, ::: "no address".
    case unspecified
    /// 224/4, ff00::/8: a group address; nothing connects to it.
    case multicast
    /// 240/4 (with 255.255.255.255): never assigned.
    case reserved
    /// Anything else: an address on the internet (the documentation blocks such as
    /// 203.0.113/24 count as public: they stand for public addresses in examples).
    case publicInternet = "public"
}

/// An IP address in its bytes (4 or 16), with its kind.
public struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Four numbers 0–255 in dotted decimal without leading zeros, or any form inet_pton reads
    /// for IPv6 (brackets around it allowed, as in a URL). Nil for anything else, host names included.
    public init?(_ text: String) {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]"), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        if let v4 = Self.ipv4(text) {
            bytes = v4
        } else if text.contains(":"), let v6 = Self.ipv6(text) {
            bytes = v6
        } else {
            return nil
        }
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) counts as its IPv4 address.
    public var kind: AddressKind {
        if isIPv4 { return Self.kindV4(bytes) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff { return Self.kindV4(Array(bytes[12...])) }
        return Self.kindV6(bytes)
    }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var storage = in6_addr()
        withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &storage, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - Reading

    private static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part == "0" || part.first != "0", let number = UInt8(part) else { return nil }
            bytes.append(number)
        }
        return bytes
    }

    private static func ipv6(_ text: String) -> [UInt8]? {
        var storage = in6_addr()
        guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
        return withUnsafeBytes(of: &storage) { Array($0) }
    }

    // MARK: - Kinds

    private typealias Block = (prefix: [UInt8], bits: Int, kind: AddressKind)

    /// The first block that holds the address decides; the order puts the narrower first.
    private static let blocksV4: [Block] = [
        ([0, 0, 0, 0], 8, .unspecified), ([10, 0, 0, 0], 8, .privateLAN), ([100, 64, 0, 0], 10, .sharedCGNAT),
        ([127, 0, 0, 0], 8, .loopback), ([169, 254, 0, 0], 16, .linkLocal), ([172, 16, 0, 0], 12, .privateLAN),
        ([192, 168, 0, 0], 16, .privateLAN), ([224, 0, 0, 0], 4, .multicast), ([240, 0, 0, 0], 4, .reserved),
    ]

    private static let blocksV6: [Block] = [
        ([UInt8](repeating: 0, count: 16), 128, .unspecified), ([UInt8](repeating: 0, count: 15) + [1], 128, .loopback),
        ([0xfc] + [UInt8](repeating: 0, count: 15), 7, .privateLAN), ([0xfe, 0x80] + [UInt8](repeating: 0, count: 14), 10, .linkLocal),
        ([0xff] + [UInt8](repeating: 0, count: 15), 8, .multicast),
    ]

    private static func kindV4(_ bytes: [UInt8]) -> AddressKind { kind(of: bytes, in: blocksV4) }
    private static func kindV6(_ bytes: [UInt8]) -> AddressKind { kind(of: bytes, in: blocksV6) }

    private static func kind(of bytes: [UInt8], in blocks: [Block]) -> AddressKind {
        blocks.first { within(bytes, $0.prefix, bits: $0.bits) }?.kind ?? .publicInternet
    }

    private static func within(_ bytes: [UInt8], _ prefix: [UInt8], bits: Int) -> Bool {
        for bit in 0..<bits {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            if bytes[bit / 8] & mask != prefix[bit / 8] & mask { return false }
        }
        return true
    }
}
