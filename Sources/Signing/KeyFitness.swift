import CTICore

/// Whether a trusted key may vouch for a document it signed: not revoked, not a development
/// key in production, and the document signed within the key's validity window. One rule for
/// licenses, revocation lists, release catalogs and key endorsements; each verifier words the
/// refusal for its document and gives it its own code (`<document>.<problem.code>`).
public struct KeyFitness: Sendable {
    public enum Problem: Sendable, Equatable {
        case revoked
        case development
        /// Signed before the key's `nbf`.
        case notYetValid(signed: Int64, validFrom: Int64)
        /// Signed at or after the key's `exp`.
        case expired(signed: Int64, expired: Int64)

        /// The last part of the refusal's code (`license.key-revoked`, `catalog.key-revoked`).
        public var code: String {
            switch self {
            case .revoked: return "key-revoked"
            case .development: return "development-key"
            case .notYetValid: return "key-not-yet-valid"
            case .expired: return "key-expired"
            }
        }

        /// What is wrong with key `kid`, in words; `signed` is the verb a document's window
        /// problem starts with (a license says "Issued").
        public func text(kid: String, signed verb: LocalizedText = LocalizedText(en: "signed", de: "signiert")) -> LocalizedText {
            switch self {
            case .revoked:
                return LocalizedText(en: "key \"\(kid)\" is revoked", de: "Schlüssel \"\(kid)\" ist widerrufen")
            case .development:
                return LocalizedText(en: "\"\(kid)\" is a development key, not accepted in production", de: "\"\(kid)\" ist ein Entwicklungsschlüssel, im Produktivbetrieb ungültig")
            case .notYetValid(let signed, let validFrom):
                return LocalizedText(
                    en: "\(verb.en) \(UTCTimestamp.format(signed)), before key \"\(kid)\" became valid (\(UTCTimestamp.format(validFrom)))",
                    de: "\(verb.de) \(UTCTimestamp.format(signed)), bevor Schlüssel \"\(kid)\" gültig wurde (\(UTCTimestamp.format(validFrom)))")
            case .expired(let signed, let expired):
                return LocalizedText(
                    en: "\(verb.en) \(UTCTimestamp.format(signed)), after key \"\(kid)\" expired (\(UTCTimestamp.format(expired)))",
                    de: "\(verb.de) \(UTCTimestamp.format(signed)), nachdem Schlüssel \"\(kid)\" abgelaufen war (\(UTCTimestamp.format(expired)))")
            }
        }
    }

    public let allowDevelopmentKeys: Bool

    public init(allowDevelopmentKeys: Bool) {
        self.allowDevelopmentKeys = allowDevelopmentKeys
    }

    /// Every problem of `key` for a document signed at `signedAt` (nil: the document carries
    /// no signing time, so the window cannot be checked), in a fixed order.
    public func problems(of key: JWK, signedAt: Int64?) -> [Problem] {
        var found: [Problem] = []
        if key.status == .revoked { found.append(.revoked) }
        if key.environment == .development && !allowDevelopmentKeys { found.append(.development) }
        if let signedAt, let notBefore = key.notBefore, signedAt < notBefore { found.append(.notYetValid(signed: signedAt, validFrom: notBefore)) }
        if let signedAt, let expires = key.expires, signedAt >= expires { found.append(.expired(signed: signedAt, expired: expires)) }
        return found
    }
}
