import CTICore

/// The error codes this module throws (stable: scripts and support match on them; docs/cli.md).
extension ErrorCode {
    public static let bench = ErrorCode("bench", .internal)
}
