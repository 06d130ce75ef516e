import CTICore
import Signing

/// A license decoded WITHOUT verifying its signature: for looking at a file someone sent,
/// never for deciding anything. The type says so.
public struct UnverifiedLicense: Sendable, Encodable {
    public let verified = false
    public let warning = "NOT VERIFIED: this shows what the file claims; nothing here is checked. Use `ctictl license verify` to trust it."
    public let header: JOSEHeader
    /// The claims, if they decode; else nil and `rawPayload` holds the text.
    public let claims: LicenseClaims?
    public let claimsError: String?
    public let rawPayload: String
    public let comments: [String]

    enum CodingKeys: String, CodingKey { case verified, warning, header, claims, claimsError, rawPayload, comments }
}

public enum LicenseInspector {
    /// Decodes a license file without trusting it. Throws only when it is not a JWS at all.
    public static func inspect(_ bytes: [UInt8]) throws -> UnverifiedLicense {
        let armored = try LicenseFormat.armor.read(bytes)
        let jws = try CompactJWS(compact: armored.compact)
        var claims: LicenseClaims?
        var claimsError: String?
        do {
            claims = try LicenseFormat.decodeClaims(jws.payload)
        } catch let error as CTIError {
            claimsError = error.message
        }
        return UnverifiedLicense(
            header: jws.header, claims: claims, claimsError: claimsError,
            rawPayload: String(decoding: jws.payload, as: UTF8.self), comments: armored.comments)
    }
}
