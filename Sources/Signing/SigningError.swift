import CTICore

/// Why a signed envelope, key or keyring was rejected. Codes are stable (docs/license-format.md).
public struct SigningError: CTIError {
    public let code: String
    public let message: String
    public let kind: FailureKind

    public init(_ code: String, _ message: String, kind: FailureKind) {
        self.code = code
        self.message = message
        self.kind = kind
    }

    static func malformed(_ code: String, _ message: String) -> SigningError {
        SigningError(code, message, kind: .malformedInput)
    }

    static func invalid(_ code: String, _ message: String) -> SigningError {
        SigningError(code, message, kind: .invalid)
    }

    /// The same error with the input's name in front, for messages that must name the file.
    public func naming(_ source: String) -> SigningError {
        SigningError(code, "\(source): \(message)", kind: kind)
    }
}
