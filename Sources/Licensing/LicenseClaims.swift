import CTICore

/// One identity factor of a PBX a license can be bound to (its instance id, MAC address,
/// host name). Factors are compared exactly, after trimming; MAC addresses case-insensitively.
public struct PBXFactor: Sendable, Codable, Equatable, Hashable {
    public let kind: String
    public let value: String

    public init(kind: String, value: String) {
        self.kind = kind
        self.value = value
    }

    /// The kinds ctictl knows; other kinds are compared as plain strings.
    public static let instanceID = "instance-id"
    public static let mac = "mac"
    public static let hostname = "hostname"
}

/// A binding of a license to a PBX: `required` of the `factors` must match (k of n), so a
/// license survives one factor changing (a new network card) but not a different PBX.
public struct PBXBinding: Sendable, Codable, Equatable {
    public let factors: [PBXFactor]
    public let required: Int

    public init(factors: [PBXFactor], required: Int? = nil) {
        self.factors = factors
        self.required = required ?? factors.count
    }
}

/// The `cti` claim: what the license grants. Profile version `v` lets a verifier refuse a
/// license from a newer profile instead of misreading it.
public struct CTIClaims: Sendable, Codable, Equatable {
    public static let profileVersion = 1

    public var v: Int
    public var product: String
    public var features: [String]
    public var seats: Int
    public var pbx: PBXBinding?
    public var maintenanceUntil: CivilDate?
    public var graceDays: Int?
    public var customerName: String?
    public var orderID: String?
    public var supersedes: [String]?

    enum CodingKeys: String, CodingKey {
        case v, product, features, seats, pbx
        case maintenanceUntil = "maintenance_until"
        case graceDays = "grace_days"
        case customerName = "customer_name"
        case orderID = "order_id"
        case supersedes
    }

    public init(
        product: String, features: [String] = [], seats: Int, pbx: PBXBinding? = nil,
        maintenanceUntil: CivilDate? = nil, graceDays: Int? = nil, customerName: String? = nil,
        orderID: String? = nil, supersedes: [String]? = nil
    ) {
        self.v = Self.profileVersion
        self.product = product
        self.features = features
        self.seats = seats
        self.pbx = pbx
        self.maintenanceUntil = maintenanceUntil
        self.graceDays = graceDays
        self.customerName = customerName
        self.orderID = orderID
        self.supersedes = supersedes
    }
}

/// The claims of a license: registered JWT claims (RFC 7519) plus `cti`.
public struct LicenseClaims: Sendable, Codable, Equatable {
    /// Issuer: who signed (the vendor).
    public var iss: String
    /// Subject: the customer id.
    public var sub: String
    /// The serial, allocated by the ledger.
    public var jti: String
    public var iat: Int64
    public var nbf: Int64
    /// Expiry; nil for a perpetual license.
    public var exp: Int64?
    public var cti: CTIClaims

    public init(iss: String, sub: String, jti: String, iat: Int64, nbf: Int64, exp: Int64?, cti: CTIClaims) {
        self.iss = iss
        self.sub = sub
        self.jti = jti
        self.iat = iat
        self.nbf = nbf
        self.exp = exp
        self.cti = cti
    }
}

extension LicenseClaims {
    /// Reads claims from parsed JSON. Unknown members are ignored (a later profile may add
    /// some); a newer profile version `cti.v` is refused by the caller.
    init(reader root: JSONObjectReader) throws(JSONObjectReader.Failure) {
        let cti = try root.object("cti")
        var pbx: PBXBinding?
        if let binding = try cti.optionalObject("pbx") {
            let factors = try binding.objectArray("factors").map { (factor) throws(JSONObjectReader.Failure) -> PBXFactor in
                PBXFactor(kind: try factor.string("kind"), value: try factor.string("value"))
            }
            pbx = PBXBinding(factors: factors, required: try binding.optionalInteger("required").map { Int($0) })
        }
        var maintenance: CivilDate?
        if let text = try cti.optionalString("maintenance_until") {
            guard let date = CivilDate(text) else {
                throw JSONObjectReader.Failure(path: "cti.maintenance_until", reason: "must be a date YYYY-MM-DD")
            }
            maintenance = date
        }
        var claims = CTIClaims(
            product: try cti.string("product"), features: try cti.optionalStringArray("features") ?? [],
            seats: Int(clamping: try cti.integer("seats")), pbx: pbx, maintenanceUntil: maintenance,
            graceDays: try cti.optionalInteger("grace_days").map { Int(clamping: $0) },
            customerName: try cti.optionalString("customer_name"), orderID: try cti.optionalString("order_id"),
            supersedes: try cti.optionalStringArray("supersedes"))
        claims.v = Int(clamping: try cti.integer("v"))
        self.init(
            iss: try root.string("iss"), sub: try root.string("sub"), jti: try root.string("jti"), iat: try root.integer("iat"),
            nbf: try root.integer("nbf"), exp: try root.optionalInteger("exp"), cti: claims)
    }
}

