import CTICore
import Signing

/// A catalog shipped as a signed file (a JWS like a license, `typ` `cti-catalog+jwt`), so a
/// support site can check that a catalog update is genuine before using it.
public enum SignedCatalog {
    public static let type = "cti-catalog+jwt"
    public static let armor = Armor(label: "CTI RELEASE CATALOG")

    public static func sign(catalogJSON: [UInt8], source: String, key: PrivateSigningKey, kid: String) throws -> String {
        let catalog = try ReleaseCatalog(jsonBytes: catalogJSON, source: source)  // never sign a catalog that does not load
        let compact = try CompactJWS.sign(payload: catalogJSON, type: type, kid: kid, key: key)
        let comment = "Comment: release catalog of \(catalog.product), \(catalog.releases.count) releases; not signed, informational only."
        return armor.write(ArmoredText(compact: compact, comments: [comment]))
    }

    /// Verifies the signature (the key must be trusted and not revoked) and only then reads
    /// the catalog; returns it with its JSON, as signed.
    public static func verify(_ bytes: [UInt8], keyring: Keyring, source: String, allowDevelopmentKeys: Bool = false) throws -> (catalog: ReleaseCatalog, json: [UInt8], kid: String) {
        // The plain catalog handed in where its signed form belongs: say so, not "no armor".
        if bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "{") {
            throw CTIFailure(.catalogUnsigned, "\(source) is an unsigned catalog (JSON), which anyone can edit; use its signed form: `ctictl catalog sign --product PRODUCT --key KEY --out FILE`")
        }
        let jws: CompactJWS
        let verified: VerifiedJWS
        do {
            jws = try CompactJWS(compact: try armor.read(bytes).compact)
            verified = try JWSVerifier(keyring: keyring).verify(jws, expectedType: type)
        } catch let error as CTIFailure {
            throw error.naming(source)
        }
        // A catalog carries no signing time: the key's window cannot be checked.
        if let problem = KeyFitness(allowDevelopmentKeys: allowDevelopmentKeys).problems(of: verified.key, signedAt: nil).first {
            let code: ErrorCode = problem == .revoked ? .catalogKeyRevoked : .catalogDevelopmentKey
            throw CTIFailure(code, "\(source): not trusted: \(problem.text(kid: verified.key.kid).en)")
        }
        return (try ReleaseCatalog(jsonBytes: verified.payload, source: source), verified.payload, verified.key.kid)
    }
}
