import CTICore
import Foundation
import Signing

/// The license profile on top of Signing: its JWS `typ` and its armor label.
public enum LicenseFormat {
    public static let type = "cti-license+jwt"
    public static let armor = Armor(label: "CTI LICENSE")

    /// Decodes the claims of a payload (signed or not: the caller decides whether to trust).
    static func decodeClaims(_ payload: [UInt8]) throws -> LicenseClaims {
        let claims: LicenseClaims
        do {
            claims = try JSONDecoder().decode(LicenseClaims.self, from: Data(payload))
        } catch {
            throw LicenseError.malformed("license.claims-malformed", "the license claims are not readable (\(JSONErrorText.describe(error)))")
        }
        if claims.cti.v > CTIClaims.profileVersion {
            throw LicenseError(
                "license.profile-unsupported",
                "the license uses profile version \(claims.cti.v); this ctictl reads up to \(CTIClaims.profileVersion): update ctictl",
                kind: .invalid)
        }
        try claims.validate()
        return claims
    }
}
