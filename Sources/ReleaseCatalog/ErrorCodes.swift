import CTICore

/// The error codes this module throws (stable: scripts and support match on them; docs/cli.md).
extension ErrorCode {
    public static let catalogDevelopmentKey = ErrorCode("catalog.development-key", .invalid)
    public static let catalogKeyRevoked = ErrorCode("catalog.key-revoked", .invalid)
    public static let catalogMalformed = ErrorCode("catalog.malformed", .malformedInput)
    public static let catalogNotFound = ErrorCode("catalog.not-found", .malformedInput)
    public static let catalogUnknownProduct = ErrorCode("catalog.unknown-product", .usage)
    public static let catalogUnsigned = ErrorCode("catalog.unsigned", .usage)
    public static let compatUnknownRelease = ErrorCode("compat.unknown-release", .usage)
}
