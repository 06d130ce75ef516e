import CTICore
import Signing

/// What the vendor asks for: everything of a license except serial and issue time, which
/// the ledger allocates.
public struct LicenseRequest: Sendable, Equatable, Codable {
    public var issuer: String
    public var customerID: String
    public var customerName: String?
    public var product: String
    public var features: [String]
    public var seats: Int
    public var pbx: PBXBinding?
    /// Start of validity; nil means "at issue time".
    public var notBefore: Int64?
    /// End of validity; nil means perpetual.
    public var expires: Int64?
    public var maintenanceUntil: CivilDate?
    public var graceDays: Int?
    public var orderID: String?
    public var supersedes: [String]?

    public init(
        issuer: String = LicenseRequest.defaultIssuer, customerID: String, customerName: String? = nil, product: String,
        features: [String] = [], seats: Int, pbx: PBXBinding? = nil, notBefore: Int64? = nil, expires: Int64? = nil,
        maintenanceUntil: CivilDate? = nil, graceDays: Int? = nil, orderID: String? = nil, supersedes: [String]? = nil
    ) {
        self.issuer = issuer
        self.customerID = customerID
        self.customerName = customerName
        self.product = product
        self.features = features
        self.seats = seats
        self.pbx = pbx
        self.notBefore = notBefore
        self.expires = expires
        self.maintenanceUntil = maintenanceUntil
        self.graceDays = graceDays
        self.orderID = orderID
        self.supersedes = supersedes
    }

    public static let defaultIssuer = "ctictl"

    /// The claims for this request, given the serial and issue time; refused (with every
    /// problem, named as claims) when they break the limits the verifier applies.
    public func claims(serial: String, issuedAt: Int64, limits: ClaimLimits = .standard) throws(RequestRefused) -> LicenseClaims {
        let claims = unchecked(serial: serial, issuedAt: issuedAt)
        let problems = claims.problems(within: limits, startGiven: notBefore != nil)
        guard problems.isEmpty else { throw RequestRefused(problems, naming: .claims) }
        return claims
    }

    /// Every problem of this request if it were issued at `now`: the claim limits, and the
    /// product when the known products are given. Empty means the issuer will sign it.
    public func problems(at now: Int64, limits: ClaimLimits = .standard, products: KnownProducts? = nil) -> [ClaimProblem] {
        var found = unchecked(serial: "CTI-00000000", issuedAt: now).problems(within: limits, startGiven: notBefore != nil)
        if let products, !found.contains(where: { $0.field == .product }), let problem = products.problem(with: product) {
            found.append(problem)
        }
        return found
    }

    private func unchecked(serial: String, issuedAt: Int64) -> LicenseClaims {
        LicenseClaims(
            iss: issuer, sub: customerID, jti: serial, iat: issuedAt, nbf: notBefore ?? issuedAt, exp: expires,
            cti: CTIClaims(
                product: product, features: features.sorted(), seats: seats, pbx: pbx, maintenanceUntil: maintenanceUntil,
                graceDays: graceDays, customerName: customerName, orderID: orderID, supersedes: supersedes))
    }
}

/// A license as issued: its claims, the compact JWS and the armored text file.
public struct IssuedLicense: Sendable, Equatable {
    public let claims: LicenseClaims
    public let compact: String

    public init(claims: LicenseClaims, compact: String) {
        self.claims = claims
        self.compact = compact
    }

    /// The text file: informational comment lines, then the armored JWS.
    public var text: String {
        String(decoding: textBytes, as: UTF8.self)
    }

    /// The text file's bytes.
    public var textBytes: [UInt8] {
        LicenseFormat.armor.writeBytes(ArmoredText(compact: compact, comments: LicenseIssuer.comments(for: claims)))
    }
}

/// Signs licenses with one private key.
public struct LicenseIssuer: Sendable {
    public let key: PrivateSigningKey
    public let kid: String

    private let encodedHeader: String

    public init(key: PrivateSigningKey, kid: String) {
        self.key = key
        self.kid = kid
        self.encodedHeader = CompactJWS.encodedHeader(type: LicenseFormat.type, kid: kid, algorithm: key.algorithm)
    }

    public func sign(_ claims: LicenseClaims) throws -> IssuedLicense {
        try signKeepingPayload(claims).license
    }

    /// Signs, and returns the exact claims JSON that was signed too, so a caller that stores
    /// it (the ledger) does not encode the claims a second time. Claims the verifier would
    /// refuse (beyond `ClaimLimits`) are never signed.
    public func signKeepingPayload(_ claims: LicenseClaims) throws -> (license: IssuedLicense, payload: [UInt8]) {
        let problems = claims.problems()
        guard problems.isEmpty else { throw RequestRefused(problems, naming: .claims) }
        let payload = claims.jsonBytes
        let compact = try CompactJWS.sign(payload: payload, encodedHeader: encodedHeader, key: key)
        return (IssuedLicense(claims: claims, compact: compact), payload)
    }

    /// Human-readable lines above the armor. They are not signed, and say so.
    static func comments(for claims: LicenseClaims) -> [String] {
        var lines = ["Comment: informational only, not signed; the block below is authoritative."]
        let customer = claims.cti.customerName.map { "\($0) (\(claims.sub))" } ?? claims.sub
        lines.append("Customer: \(customer)")
        lines.append("Product: \(claims.cti.product), \(claims.cti.seats) seat\(claims.cti.seats == 1 ? "" : "s")")
        lines.append("Serial: \(claims.jti)")
        lines.append("Valid through: \(claims.exp.map { CivilDate(secondsSince1970: $0 - 1).description } ?? "never (perpetual)")")
        return lines
    }
}
