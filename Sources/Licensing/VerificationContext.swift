import CTICore

/// Where and when a license is checked: the facts of this installation, handed in by the
/// caller so verification does no I/O of its own and can be tested at any instant.
public struct VerificationContext: Sendable {
    /// Now, in seconds since 1970 (UTC), from the caller's clock.
    public var now: Int64
    /// The product the caller is (nil: any product).
    public var product: String?
    /// The PBX's identity factors observed on this installation.
    public var pbxFactors: [PBXFactor]
    /// Accept licenses signed by development keys (never in production).
    public var allowDevelopmentKeys: Bool

    public init(now: Int64, product: String? = nil, pbxFactors: [PBXFactor] = [], allowDevelopmentKeys: Bool = false) {
        self.now = now
        self.product = product
        self.pbxFactors = pbxFactors
        self.allowDevelopmentKeys = allowDevelopmentKeys
    }
}
