import CTICore
import Signing

/// A license whose signature was verified against a trusted key. Only `LicenseVerifier`
/// makes one, so holding a `VerifiedLicense` means its claims can be trusted (policies may
/// still find it not valid here and now).
public struct VerifiedLicense: Sendable, Encodable {
    public let claims: LicenseClaims
    public let kid: String
    public let algorithm: SigningAlgorithm
    /// Unsigned comment lines that came with the file (shown, never trusted).
    public let comments: [String]

    fileprivate init(claims: LicenseClaims, kid: String, algorithm: SigningAlgorithm, comments: [String]) {
        self.claims = claims
        self.kid = kid
        self.algorithm = algorithm
        self.comments = comments
    }
}

/// The outcome of one policy, for `--explain`.
public struct PolicyResult: Sendable, Encodable {
    public enum Verdict: String, Sendable, Encodable {
        case pass, warn, fail
        /// Nothing was checked: the policy had nothing to check, or the signature did not
        /// verify (nothing else can be trusted). `skipReason` says which.
        case skipped
    }

    public let name: String
    public let verdict: Verdict
    public let findings: [Finding]
    /// Why nothing was checked (only when skipped).
    public let skipReason: LocalizedText?

    init(name: String, outcome: PolicyOutcome) {
        self.name = name
        switch outcome {
        case .checked(let findings):
            self.findings = findings
            skipReason = nil
            switch findings.worstSeverity {
            case .error?: verdict = .fail
            case .warning?: verdict = .warn
            default: verdict = .pass
            }
        case .skipped(let reason):
            findings = []
            skipReason = reason
            verdict = .skipped
        }
    }

    static let signatureFailed = PolicyOutcome.skipped(en: "the signature did not verify", de: "die Signatur ist ungültig")
}

/// The overall verdict. Exit statuses: valid 0, valid with warnings 2, invalid 1.
public enum LicenseStatus: String, Sendable, Encodable {
    case valid
    case validWithWarnings = "valid-with-warnings"
    case invalid
}

/// Everything a verification found.
public struct LicenseVerification: Sendable, Encodable {
    public let status: LicenseStatus
    /// Set when the signature verified; nil when the license could not be trusted at all.
    public let license: VerifiedLicense?
    /// Every policy in order, the signature first.
    public let policies: [PolicyResult]

    /// All findings of all policies.
    public var findings: [Finding] { policies.flatMap(\.findings) }

    enum CodingKeys: String, CodingKey { case status, license, policies, findings }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(license, forKey: .license)
        try container.encode(policies, forKey: .policies)
        try container.encode(findings, forKey: .findings)
    }
}

/// Verifies licenses: the signature first (is it ours?), then every policy (is it valid
/// here and now?). Unreadable input throws (exit 65); a readable license that fails any
/// check comes back as a verification with status `invalid`.
public struct LicenseVerifier: Sendable {
    public let keyring: Keyring
    /// The policies to run; nil: the standard ones, given their inputs by each context.
    public let policies: [any LicensePolicy]?
    private let jwsVerifier: JWSVerifier

    public init(keyring: Keyring, policies: [any LicensePolicy]? = nil) {
        self.keyring = keyring
        self.policies = policies
        self.jwsVerifier = JWSVerifier(keyring: keyring)
    }

    public static let signaturePolicyName = "signature"

    /// Verifies the bytes of a license file (armored or bare).
    public func verify(_ bytes: [UInt8], in context: VerificationContext) throws -> LicenseVerification {
        let armored = try LicenseFormat.armor.read(bytes)
        // The token, not the text around it: a license quoted in a long e-mail still verifies.
        let limit = ClaimLimits.standard.licenseFileBytes
        guard armored.compact.utf8.count <= limit else {
            throw CTIFailure(.licenseTooLarge, "the license has \(armored.compact.utf8.count) bytes; a license has at most \(limit): is this the right file?")
        }
        let jws = try CompactJWS(compact: armored.compact)
        return try verify(jws, comments: armored.comments, in: context)
    }

    public func verify(_ jws: CompactJWS, comments: [String] = [], in context: VerificationContext) throws -> LicenseVerification {
        let policies = self.policies ?? StandardPolicies.policies(for: context)
        let verified: VerifiedJWS
        do {
            verified = try jwsVerifier.verify(jws, expectedType: LicenseFormat.type)
        } catch let error as CTIFailure where error.kind == .invalid {
            let signature = PolicyResult(name: Self.signaturePolicyName, outcome: .checked([SignatureFinding.finding(for: error)]))
            let skipped = policies.map { PolicyResult(name: $0.name, outcome: PolicyResult.signatureFailed) }
            return LicenseVerification(status: .invalid, license: nil, policies: [signature] + skipped)
        }
        // Only now, with the signature checked, are the claims read.
        let claims = try LicenseFormat.decodeClaims(verified.payload)
        let facts = SignedLicenseFacts(claims: claims, key: verified.key)
        var results = [PolicyResult(name: Self.signaturePolicyName, outcome: .passed)]
        for policy in policies {
            results.append(PolicyResult(name: policy.name, outcome: policy.evaluate(facts, at: context.time)))
        }
        let worst = results.flatMap(\.findings).worstSeverity
        let status: LicenseStatus = worst == .error ? .invalid : (worst == .warning ? .validWithWarnings : .valid)
        let license = VerifiedLicense(claims: claims, kid: verified.key.kid, algorithm: verified.key.algorithm, comments: comments)
        return LicenseVerification(status: status, license: license, policies: results)
    }
}

/// Findings (with German text) for the ways a signature check fails.
enum SignatureFinding {
    static func finding(for error: CTIFailure) -> Finding {
        let german: String
        switch error.errorCode {
        case .jwsSignatureInvalid:
            german = "Die Signatur passt nicht zum Inhalt: Die Lizenz wurde nach dem Signieren verändert oder mit einem anderen Schlüssel signiert."
        case .jwsSignatureHighS:
            german = "Die ES256-Signatur hat ein hohes s (der verformbare Zwilling einer gültigen Signatur); ctictl nimmt nur die Form mit niedrigem s an."
        case .jwsUnknownKey:
            german = "Die Lizenz wurde mit einem Schlüssel signiert, der nicht im Schlüsselbund steht."
        case .jwsAlgNone:
            german = "Die Lizenz ist nicht signiert (alg \"none\"); unsignierte Lizenzen werden nie angenommen."
        case .jwsAlgMismatch:
            german = "Der Algorithmus im Kopf passt nicht zum Schlüssel; die Datei wurde verändert."
        case .jwsWrongType:
            german = "Die Datei ist keine Lizenz (falscher typ im Kopf)."
        case .jwsCritUnsupported:
            german = "Die Lizenz verlangt Erweiterungen, die ctictl nicht kennt."
        case .jwsKidMissing:
            german = "Die Lizenz nennt keinen Schlüssel (kid)."
        default:
            german = "Die Signatur der Lizenz ist ungültig."
        }
        return .error(
            error.code, en: error.message, de: german,
            fixEN: "Use the license file exactly as the vendor sent it, with the keyring of this product.",
            fixDE: "Verwenden Sie die Lizenzdatei unverändert, wie vom Hersteller geliefert, mit dem Schlüsselbund dieses Produkts.")
    }
}
