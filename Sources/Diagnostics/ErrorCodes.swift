import CTICore

/// The codes of doctor's own failures (stable: scripts match on them).
extension ErrorCode {
    public static let doctorUnknownCheck = ErrorCode("doctor.unknown-check", .usage)
    public static let doctorFailed = ErrorCode("doctor.failed", .internal)
}
