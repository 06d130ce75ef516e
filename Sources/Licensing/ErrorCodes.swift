import CTICore
import Signing

/// The error codes this module throws (stable: scripts and support match on them; docs/cli.md).
extension ErrorCode {
    public static let batchCsvMalformed = ErrorCode("batch.csv-malformed", .malformedInput)
    public static let batchEmpty = ErrorCode("batch.empty", .malformedInput)
    public static let batchMissingColumn = ErrorCode("batch.missing-column", .malformedInput)
    public static let batchUnknownColumn = ErrorCode("batch.unknown-column", .malformedInput)
    public static let endorsementKeyRevoked = ErrorCode("endorsement.key-revoked", .invalid)
    public static let endorsementKeyNotYetValid = ErrorCode("endorsement.key-not-yet-valid", .invalid)
    public static let endorsementKeyExpired = ErrorCode("endorsement.key-expired", .invalid)
    public static let endorsementKidConflict = ErrorCode("endorsement.kid-conflict", .invalid)
    public static let endorsementMalformed = ErrorCode("endorsement.malformed", .malformedInput)
    public static let endorsementUnknownKey = ErrorCode("endorsement.unknown-key", .invalid)
    public static let licenseClaimsInvalid = ErrorCode("license.claims-invalid", .malformedInput)
    public static let licenseClaimsMalformed = ErrorCode("license.claims-malformed", .malformedInput)
    public static let licenseProfileUnsupported = ErrorCode("license.profile-unsupported", .invalid)
    public static let licenseTooLarge = ErrorCode("license.too-large", .malformedInput)
    public static let revocationsDevelopmentKey = ErrorCode("revocations.development-key", .invalid)
    public static let revocationsKeyRevoked = ErrorCode("revocations.key-revoked", .invalid)
    public static let revocationsKeyNotYetValid = ErrorCode("revocations.key-not-yet-valid", .invalid)
    public static let revocationsKeyExpired = ErrorCode("revocations.key-expired", .invalid)
    public static let revocationsMalformed = ErrorCode("revocations.malformed", .malformedInput)
    public static let revocationsRollback = ErrorCode("revocations.rollback", .invalid)
    public static let stateMalformed = ErrorCode("state.malformed", .malformedInput)
    public static let usageConflict = ErrorCode("usage.conflict", .usage)
}

extension ErrorCode {
    /// The refusal of a revocation list whose signing key is unfit (`KeyFitness`).
    static func revocations(_ problem: KeyFitness.Problem) -> ErrorCode {
        switch problem {
        case .revoked: return .revocationsKeyRevoked
        case .development: return .revocationsDevelopmentKey
        case .notYetValid: return .revocationsKeyNotYetValid
        case .expired: return .revocationsKeyExpired
        }
    }

    /// The refusal of an endorsement whose endorsing key is unfit.
    static func endorsement(_ problem: KeyFitness.Problem) -> ErrorCode {
        switch problem {
        case .revoked, .development: return .endorsementKeyRevoked  // (development endorsers are fit: they vouch into development)
        case .notYetValid: return .endorsementKeyNotYetValid
        case .expired: return .endorsementKeyExpired
        }
    }
}
