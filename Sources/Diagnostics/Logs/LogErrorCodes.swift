import CTICore

/// The codes of the client log scan (stable: scripts match on them; docs/doctor.md "Client logs").
extension ErrorCode {
    /// `config-schemas/<product>/known-issues.json` is not JSON, has an unknown member, a bad
    /// code, severity, signature or text.
    public static let knownIssuesMalformed = ErrorCode("doctor.known-issues-malformed", .malformedInput)
}
