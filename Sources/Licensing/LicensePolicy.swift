import CTICore
import Signing

/// One rule a signed license must satisfy here and now. Policies are small and named, carry
/// their own inputs (the product asked for, the PBX observed, the revocation list: model
/// swift-certificates' `ExpiryPolicy`), see what the verifier saw (claims, the key that
/// signed) and return findings; the verifier runs them all and reports every finding.
public protocol LicensePolicy: Sendable {
    /// Stable name shown by `--explain` (`validity`, `product`).
    var name: String { get }
    func evaluate(_ license: SignedLicenseFacts, at time: VerificationTime) -> PolicyOutcome
}

/// When a verification happens: the one input every policy may need.
public struct VerificationTime: Sendable, Equatable {
    /// Seconds since 1970 (UTC), from the caller's clock.
    public let now: Int64
    /// Whether `now` was read from the system clock (a chosen instant says nothing about it).
    public let isFromClock: Bool

    public init(now: Int64, isFromClock: Bool = true) {
        self.now = now
        self.isFromClock = isFromClock
    }
}

/// What a policy made of a license: it checked, and found these (none: it passed); or it had
/// nothing to check (no product given, a license without PBX binding) and says why, so that
/// `--explain` never shows a check that did not happen as a pass.
public enum PolicyOutcome: Sendable, Equatable {
    case checked([Finding])
    case skipped(because: LocalizedText)

    public static let passed = PolicyOutcome.checked([])

    public static func skipped(en: String, de: String) -> PolicyOutcome { .skipped(because: LocalizedText(en: en, de: de)) }
}

/// What a policy may look at: the claims, and the trusted key whose signature was checked.
public struct SignedLicenseFacts: Sendable {
    public let claims: LicenseClaims
    public let key: JWK
}

/// The policies of a standard verification, in the order `--explain` shows them, each given
/// its inputs from what the installation observed.
public enum StandardPolicies {
    public static func policies(for context: VerificationContext) -> [any LicensePolicy] {
        [
            SigningKeyPolicy(allowDevelopmentKeys: context.allowDevelopmentKeys),
            ValidityPolicy(),
            ProductPolicy(product: context.product),
            PBXBindingPolicy(observed: context.pbxFactors),
            SeatsPolicy(activeUsers: context.activeUsers),
            MaintenancePolicy(release: context.runningRelease),
            RevocationPolicy(list: context.revocations),
            ClockPolicy(state: context.state, tolerance: context.clockTolerance, allowedSkew: context.allowedSkew),
        ]
    }
}

/// The signing key must be fit to vouch: not revoked, not a development key in production,
/// and the license issued while the key was valid.
public struct SigningKeyPolicy: LicensePolicy {
    public let name = "signing-key"
    /// Accept development keys (never in production).
    public let allowDevelopmentKeys: Bool

    public init(allowDevelopmentKeys: Bool = false) {
        self.allowDevelopmentKeys = allowDevelopmentKeys
    }

    public func evaluate(_ license: SignedLicenseFacts, at time: VerificationTime) -> PolicyOutcome {
        let kid = license.key.kid
        let problems = KeyFitness(allowDevelopmentKeys: allowDevelopmentKeys).problems(of: license.key, signedAt: license.claims.iat)
        return .checked(problems.map { problem in
            let code = "license." + problem.code
            switch problem {
            case .revoked:
                return .error(
                    code, en: "Signing key \"\(kid)\" is revoked; it verifies nothing.",
                    de: "Der Signaturschlüssel \"\(kid)\" ist widerrufen; damit signierte Lizenzen gelten nicht.",
                    fixEN: "Ask the vendor for a license signed by a current key.",
                    fixDE: "Fordern Sie beim Hersteller eine mit einem aktuellen Schlüssel signierte Lizenz an.")
            case .development:
                return .error(
                    code, en: "Signed by development key \"\(kid)\", which is not accepted in production.",
                    de: "Mit dem Entwicklungsschlüssel \"\(kid)\" signiert; im Produktivbetrieb ungültig.",
                    fixEN: "Use a license signed by a production key, or pass --allow-development-keys for testing.",
                    fixDE: "Verwenden Sie eine produktiv signierte Lizenz oder zum Testen --allow-development-keys.")
            case .notYetValid, .expired:
                let text = problem.text(kid: kid, signed: LocalizedText(en: "Issued", de: "Ausgestellt"))
                return .error(code, en: text.en + ".", de: text.de + ".")
            }
        })
    }
}

/// Not before `nbf`, not after `exp`, with the license's grace days as a warning period.
public struct ValidityPolicy: LicensePolicy {
    public let name = "validity"
    public init() {}

    public func evaluate(_ license: SignedLicenseFacts, at time: VerificationTime) -> PolicyOutcome {
        let claims = license.claims
        if time.now < claims.nbf {
            let start = UTCTimestamp.format(claims.nbf)
            return .checked([.error(
                "license.not-yet-valid", en: "The license is valid from \(start) only.",
                de: "Die Lizenz gilt erst ab \(start).",
                fixEN: "Check the computer's clock, or wait until the start date.",
                fixDE: "Prüfen Sie die Uhrzeit des Rechners oder warten Sie bis zum Gültigkeitsbeginn.")])
        }
        guard let exp = claims.exp, time.now >= exp else { return .passed }
        let end = UTCTimestamp.format(exp)
        let grace = Int64(claims.cti.graceDays ?? 0) * 86_400
        if time.now < exp + grace {
            let graceEnd = UTCTimestamp.format(exp + grace)
            return .checked([.warning(
                "license.in-grace-period", en: "The license expired at \(end); it keeps working in its grace period until \(graceEnd).",
                de: "Die Lizenz ist am \(end) abgelaufen; sie gilt in der Kulanzfrist noch bis \(graceEnd).",
                fixEN: "Renew the license before the grace period ends.",
                fixDE: "Verlängern Sie die Lizenz vor Ende der Kulanzfrist.")])
        }
        return .checked([.error(
            "license.expired", en: "The license expired at \(end).", de: "Die Lizenz ist am \(end) abgelaufen.",
            fixEN: "Renew the license.", fixDE: "Verlängern Sie die Lizenz.")])
    }
}

/// The license must be for the product asked for.
public struct ProductPolicy: LicensePolicy {
    public let name = "product"
    /// The product the caller is (nil: any product; the policy then skips).
    public let product: String?

    public init(product: String? = nil) {
        self.product = product
    }

    public func evaluate(_ license: SignedLicenseFacts, at time: VerificationTime) -> PolicyOutcome {
        guard let wanted = product else {
            return .skipped(en: "no --product given", de: "kein --product angegeben")
        }
        guard wanted != license.claims.cti.product else { return .passed }
        let actual = license.claims.cti.product
        return .checked([.error(
            "license.wrong-product", en: "The license is for product \"\(actual)\", not \"\(wanted)\".",
            de: "Die Lizenz gilt für das Produkt \"\(actual)\", nicht für \"\(wanted)\".",
            fixEN: "Install the license for \(wanted).", fixDE: "Spielen Sie die Lizenz für \(wanted) ein.")])
    }
}

/// A bound license needs `required` of its PBX factors to match what this installation sees.
public struct PBXBindingPolicy: LicensePolicy {
    public let name = "pbx-binding"
    /// The PBX's identity factors observed on this installation.
    public let observed: [PBXFactor]

    public init(observed: [PBXFactor] = []) {
        self.observed = observed
    }

    public func evaluate(_ license: SignedLicenseFacts, at time: VerificationTime) -> PolicyOutcome {
        guard let binding = license.claims.cti.pbx else {
            return .skipped(en: "the license is not bound to a PBX", de: "die Lizenz ist an keine TK-Anlage gebunden")
        }
        if observed.isEmpty {
            return .checked([.warning(
                "license.pbx-not-checked", en: "The license is bound to a PBX, but no PBX identity was given, so the binding was not checked.",
                de: "Die Lizenz ist an eine TK-Anlage gebunden, aber es wurde keine Anlagen-Kennung angegeben; die Bindung wurde nicht geprüft.",
                fixEN: "Pass --pbx-id (and the other factors) of this PBX.", fixDE: "Geben Sie --pbx-id der Anlage an.")])
        }
        var matched: [String] = []
        var changed: [String] = []
        var unknown: [String] = []
        for factor in binding.factors {
            let seen = observed.filter { $0.kind == factor.kind }
            if seen.isEmpty {
                unknown.append(factor.kind)
            } else if seen.contains(where: { Self.same(factor, $0) }) {
                matched.append(factor.kind)
            } else {
                changed.append(factor.kind)
            }
        }
        var summary = "\(matched.count) of \(binding.factors.count) factors match (\(binding.required) required)"
        if !changed.isEmpty { summary += "; changed: \(changed.joined(separator: ", "))" }
        if !unknown.isEmpty { summary += "; not observed: \(unknown.joined(separator: ", "))" }
        var summaryDE = "\(matched.count) von \(binding.factors.count) Merkmalen stimmen überein (\(binding.required) erforderlich)"
        if !changed.isEmpty { summaryDE += "; geändert: \(changed.joined(separator: ", "))" }
        if !unknown.isEmpty { summaryDE += "; nicht ermittelt: \(unknown.joined(separator: ", "))" }
        if matched.count >= binding.required {
            return .checked(changed.isEmpty ? [] : [.warning("license.pbx-factor-changed", en: summary + ".", de: summaryDE + ".")])
        }
        return .checked([.error(
            "license.pbx-mismatch", en: "The license is bound to another PBX: \(summary).",
            de: "Die Lizenz ist an eine andere TK-Anlage gebunden: \(summaryDE).",
            fixEN: "After a PBX change, ask the vendor to re-issue the license for the new PBX.",
            fixDE: "Lassen Sie die Lizenz nach einem Anlagenwechsel vom Hersteller für die neue Anlage neu ausstellen.")])
    }

    static func same(_ bound: PBXFactor, _ observed: PBXFactor) -> Bool {
        let a = bound.value.trimmingWhitespace
        let b = observed.value.trimmingWhitespace
        switch bound.kind {
        case PBXFactor.mac:
            // 00-1A-2B-... and 00:1a:2b:... are the same card.
            return a.normalizedMAC == b.normalizedMAC
        case PBXFactor.hostname:
            // Host names are case-insensitive; a trailing dot is the fully qualified form.
            return a.lowercased().droppingTrailingDot == b.lowercased().droppingTrailingDot
        default:
            return a == b
        }
    }
}

extension String {
    var droppingTrailingDot: String { hasSuffix(".") ? String(dropLast()) : self }
}
