import CTICore
import Testing
@testable import Licensing
@testable import Signing

/// Key rotation: a trusted key endorses a new key; clients that trust only the old key accept
/// licenses of the new one.
@Suite struct EndorsementTests {
    let old = LicenseFixture(kid: "old")
    let new = LicenseFixture(kid: "new")
    let now = day("2026-06-01")

    func endorsement(of endorsed: LicenseFixture, by endorser: LicenseFixture) throws -> (source: String, bytes: [UInt8]) {
        ("\(endorsed.kid).endorsement", Array(try KeyEndorsementFormat.sign(endorsed.jwk, by: endorser.key, kid: endorser.kid, now: day("2026-01-01")).utf8))
    }

    @Test func anEndorsedKeyIsTrusted() throws {
        let license = try new.license().text
        let clientKeyring = old.keyring
        let without = try LicenseVerifier(keyring: clientKeyring).verify(Array(license.utf8), in: VerificationContext(now: now))
        #expect(without.codes == ["jws.unknown-key"])
        let extended = try KeyEndorsementVerifier(keyring: clientKeyring).extend(with: [try endorsement(of: new, by: old)])
        let with = try LicenseVerifier(keyring: extended).verify(Array(license.utf8), in: VerificationContext(now: now))
        #expect(with.status == .valid)
    }

    @Test func endorsementsChain() throws {
        let third = LicenseFixture(kid: "third")
        // Given in the "wrong" order: the verifier works out the chain.
        let extended = try KeyEndorsementVerifier(keyring: old.keyring).extend(with: [try endorsement(of: third, by: new), try endorsement(of: new, by: old)])
        #expect(extended.keys.map(\.kid) == ["old", "new", "third"])
    }

    @Test func anEndorsementByARevokedKeyIsRefused() throws {
        var revoked = old
        revoked.jwk.status = .revoked
        #expect {
            _ = try KeyEndorsementVerifier(keyring: revoked.keyring).extend(with: [try endorsement(of: new, by: old)])
        } throws: { ($0 as? CTIFailure)?.code == "endorsement.key-revoked" }
    }

    @Test func anEndorsementByAnUnknownKeyIsRefused() throws {
        let stranger = LicenseFixture(kid: "stranger")
        #expect {
            _ = try KeyEndorsementVerifier(keyring: old.keyring).extend(with: [try endorsement(of: new, by: stranger)])
        } throws: { ($0 as? CTIFailure)?.code == "endorsement.unknown-key" }
    }

    @Test func aForgedEndorsementIsRefused() throws {
        // Signed by a stranger's key but claiming to come from "old".
        let stranger = LicenseFixture(kid: "stranger")
        let forged = ("forged", Array(try KeyEndorsementFormat.sign(new.jwk, by: stranger.key, kid: "old", now: now).utf8))
        #expect {
            _ = try KeyEndorsementVerifier(keyring: old.keyring).extend(with: [forged])
        } throws: { ($0 as? CTIFailure)?.code == "jws.signature-invalid" }
    }

    @Test func aDevelopmentKeyCannotVouchAKeyIntoProduction() throws {
        let dev = LicenseFixture(kid: "dev", environment: .development)
        let extended = try KeyEndorsementVerifier(keyring: dev.keyring).extend(with: [try endorsement(of: new, by: dev)])
        #expect(extended.key(withID: "new")?.environment == .development)
        let result = try LicenseVerifier(keyring: extended).verify(Array(try new.license().text.utf8), in: VerificationContext(now: now))
        #expect(result.codes == ["license.development-key"])
    }
}
