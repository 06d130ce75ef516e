import CTICore

/// One claim that differs between two licenses, as text (`seats: 5 → 10`).
public struct ClaimDifference: Sendable, Equatable, Encodable {
    public let claim: String
    public let first: String?
    public let second: String?

    /// Every claim that differs, in a fixed order (serial and issue time included: they
    /// always differ between two issued licenses, and say which is which).
    public static func between(_ a: LicenseClaims, _ b: LicenseClaims) -> [ClaimDifference] {
        func date(_ seconds: Int64?) -> String? { seconds.map(UTCTimestamp.format) }
        func pbx(_ binding: PBXBinding?) -> String? {
            binding.map { "\($0.required) of " + $0.factors.map { "\($0.kind)=\($0.value)" }.joined(separator: ", ") }
        }
        let pairs: [(String, String?, String?)] = [
            ("jti", a.jti, b.jti),
            ("iss", a.iss, b.iss),
            ("sub", a.sub, b.sub),
            ("iat", date(a.iat), date(b.iat)),
            ("nbf", date(a.nbf), date(b.nbf)),
            ("exp", date(a.exp), date(b.exp)),
            ("cti.product", a.cti.product, b.cti.product),
            ("cti.features", a.cti.features.joined(separator: ", "), b.cti.features.joined(separator: ", ")),
            ("cti.seats", String(a.cti.seats), String(b.cti.seats)),
            ("cti.pbx", pbx(a.cti.pbx), pbx(b.cti.pbx)),
            ("cti.maintenance_until", a.cti.maintenanceUntil?.description, b.cti.maintenanceUntil?.description),
            ("cti.grace_days", a.cti.graceDays.map(String.init), b.cti.graceDays.map(String.init)),
            ("cti.customer_name", a.cti.customerName, b.cti.customerName),
            ("cti.order_id", a.cti.orderID, b.cti.orderID),
            ("cti.supersedes", a.cti.supersedes?.joined(separator: ", "), b.cti.supersedes?.joined(separator: ", ")),
        ]
        return pairs.filter { $0.1 != $0.2 }.map { ClaimDifference(claim: $0.0, first: $0.1, second: $0.2) }
    }
}
