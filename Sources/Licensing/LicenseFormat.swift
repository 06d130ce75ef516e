import CTICore
import Signing

/// The license profile on top of Signing: its JWS `typ` and its armor label.
public enum LicenseFormat {
    public static let type = "cti-license+jwt"
    public static let armor = Armor(label: "CTI LICENSE")

    /// The claims of a JWS issued by this ledger (trusted because the ledger wrote it).
    public static func claims(of jws: CompactJWS) throws -> LicenseClaims {
        try decodeClaims(jws.payload)
    }

    /// Decodes the claims of a payload (signed or not: the caller decides whether to trust).
    static func decodeClaims(_ payload: [UInt8]) throws -> LicenseClaims {
        let claims: LicenseClaims
        do {
            claims = try JSONRead.document(payload, LicenseClaims.init(reader:))
        } catch let failure as JSONReadFailure {
            throw CTIFailure(.licenseClaimsMalformed, "the license claims \(failure)")
        }
        if claims.cti.v > CTIClaims.profileVersion {
            throw CTIFailure(.licenseProfileUnsupported, "the license uses profile version \(claims.cti.v); this ctictl reads up to \(CTIClaims.profileVersion): update ctictl")
        }
        let problems = claims.problems()
        guard problems.isEmpty else {
            throw CTIFailure(.licenseClaimsInvalid, "the license breaks the claim limits: " + RequestRefused(problems, naming: .claims).message)
        }
        return claims
    }
}
