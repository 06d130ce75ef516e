/// ECDSA signatures are malleable: if (r, s) verifies, so does (r, n − s). ctictl signs and
/// accepts only the low form, s ≤ n/2 (as Bitcoin's BIP 62 does), so an ES256 license has
/// exactly one valid signature (docs/license-format.md). Signatures are the JOSE form r || s.
enum LowS {
    /// The order n of P-256's base point, big-endian.
    static let order: [UInt8] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ]
    /// ⌊n / 2⌋: the largest s accepted.
    static let halfOrder: [UInt8] = [
        0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B, 0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8,
    ]

    /// Whether the s half of a 64-byte r || s signature is at most n/2. Any other length is
    /// not a P-256 signature and is left to the signature check to refuse.
    static func isLow(_ signature: [UInt8]) -> Bool {
        guard signature.count == 64 else { return true }
        return !halfOrder.lexicographicallyPrecedes(signature[32...])
    }

    /// The same signature with s replaced by n − s when s is high.
    static func normalized(_ signature: [UInt8]) -> [UInt8] {
        isLow(signature) ? signature : twin(signature)
    }

    /// The other signature of the same message: s replaced by n − s.
    static func twin(_ signature: [UInt8]) -> [UInt8] {
        var s = Array(signature[32...])
        var borrow = 0
        for index in s.indices.reversed() {
            let difference = Int(order[index]) - Int(s[index]) - borrow
            s[index] = UInt8((difference + 256) % 256)
            borrow = difference < 0 ? 1 : 0
        }
        return Array(signature[..<32]) + s
    }
}
