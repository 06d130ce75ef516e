import CTICore

/// Why a signed envelope, key or keyring was rejected. Codes are stable (docs/license-format.md).
public struct SigningError: LayerError {
    public let code: String
    public let message: String
    public let kind: FailureKind

    public init(_ code: String, _ message: String, kind: FailureKind) {
        self.code = code
        self.message = message
        self.kind = kind
    }
}
