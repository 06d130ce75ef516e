import CTICore
import Licensing
import Signing

/// One license as the ledger keeps it.
public struct LedgerEntry: Sendable, Equatable, Encodable {
    public let serial: String
    public let orderID: String?
    public let customerID: String
    public let customerName: String?
    public let product: String
    public let seats: Int
    public let kid: String
    public let issuedAt: Int64
    public let expiresAt: Int64?
    /// The status that counts (audited; see `AuditedStates`), not the column's.
    public let status: LicenseStatus
    /// The license that superseded this one, when it was renewed or re-issued.
    public let supersededBy: String?
    /// When and why it was revoked.
    public let revokedAt: Int64?
    public let revocationReason: String?
    /// The compact JWS exactly as issued: re-exporting a license never re-signs it.
    public let token: String
    let requestJSON: String

    /// Set when the entry was just issued (no need to read the token back). Not part of
    /// equality: an entry read from the ledger equals the one just issued.
    var issued: IssuedLicense?

    public static func == (lhs: LedgerEntry, rhs: LedgerEntry) -> Bool {
        (lhs.serial, lhs.orderID, lhs.customerID, lhs.customerName, lhs.product, lhs.seats) == (rhs.serial, rhs.orderID, rhs.customerID, rhs.customerName, rhs.product, rhs.seats)
            && (lhs.kid, lhs.issuedAt, lhs.expiresAt, lhs.status, lhs.token, lhs.requestJSON) == (rhs.kid, rhs.issuedAt, rhs.expiresAt, rhs.status, rhs.token, rhs.requestJSON)
            && (lhs.supersededBy, lhs.revokedAt, lhs.revocationReason) == (rhs.supersededBy, rhs.revokedAt, rhs.revocationReason)
    }

    public var license: IssuedLicense? {
        if let issued { return issued }
        // The token is the truth; the claims are read back from it, not from a second copy.
        guard let jws = try? CompactJWS(compact: token), let claims = try? LicenseFormat.claims(of: jws) else { return nil }
        return IssuedLicense(claims: claims, compact: token)
    }

    enum CodingKeys: String, CodingKey {
        case serial, orderID = "order_id", customerID = "customer_id", customerName = "customer_name", product, seats, kid
        case issuedAt = "issued_at", expiresAt = "expires_at", status
        case supersededBy = "superseded_by", revokedAt = "revoked_at", revocationReason = "revocation_reason"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(serial, forKey: .serial)
        try container.encodeIfPresent(orderID, forKey: .orderID)
        try container.encode(customerID, forKey: .customerID)
        try container.encodeIfPresent(customerName, forKey: .customerName)
        try container.encode(product, forKey: .product)
        try container.encode(seats, forKey: .seats)
        try container.encode(kid, forKey: .kid)
        try container.encode(UTCTimestamp.format(issuedAt), forKey: .issuedAt)
        try container.encodeIfPresent(expiresAt.map(UTCTimestamp.format), forKey: .expiresAt)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(supersededBy, forKey: .supersededBy)
        try container.encodeIfPresent(revokedAt.map(UTCTimestamp.format), forKey: .revokedAt)
        try container.encodeIfPresent(revocationReason, forKey: .revocationReason)
    }
}

/// The result of an issue request.
public enum IssueOutcome: Sendable {
    /// A new license with a new serial.
    case issued(LedgerEntry)
    /// The order id was issued before with the same request: that license, unchanged.
    case alreadyIssued(LedgerEntry)

    public var entry: LedgerEntry {
        switch self {
        case let .issued(entry), let .alreadyIssued(entry): return entry
        }
    }

    public var isNew: Bool {
        if case .issued = self { return true }
        return false
    }
}

