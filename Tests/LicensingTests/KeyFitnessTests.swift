import CTICore
import Licensing
import ReleaseCatalog
import Signing
import Testing

/// One rule decides whether a key may vouch, for every signed document: licenses, revocation
/// lists, release catalogs and key endorsements refuse the same keys, each with its own code.
@Suite struct KeyFitnessTests {
    static let signedAt = CivilDate("2026-03-01")!.secondsSince1970

    /// Key states, and the code suffix every document with a signing time must refuse with.
    static let states: [(name: String, change: @Sendable (inout JWK) -> Void, problem: String?)] = [
        ("fit", { _ in }, nil),
        ("revoked", { $0.status = .revoked }, "key-revoked"),
        ("not yet valid", { $0.notBefore = KeyFitnessTests.signedAt + 86_400 }, "key-not-yet-valid"),
        ("expired", { $0.expires = KeyFitnessTests.signedAt - 86_400 }, "key-expired"),
    ]

    @Test(arguments: 0..<states.count)
    func everyDocumentRefusesTheSameKeys(state: Int) throws {
        let (name, change, problem) = Self.states[state]
        let fixture = LicenseFixture()
        var signer = fixture.jwk
        change(&signer)
        let keyring = Keyring(keys: [signer])

        #expect(KeyFitness(allowDevelopmentKeys: false).problems(of: signer, signedAt: Self.signedAt).map(\.code) == (problem.map { [$0] } ?? []), "\(name)")

        // A license.
        var request = LicenseRequest(customerID: "K-1", product: "datev-connector", seats: 1)
        request.notBefore = Self.signedAt
        let license = try fixture.issuer.sign(try request.claims(serial: "CTI-00000001", issuedAt: Self.signedAt))
        let verification = try LicenseVerifier(keyring: keyring).verify(Array(license.text.utf8), in: VerificationContext(now: Self.signedAt + 3600))
        #expect(verification.findings.map(\.code) == (problem.map { ["license." + $0] } ?? []), "\(name)")

        // A revocation list.
        let list = try RevocationListFormat.sign(RevocationListClaims(iss: "ctictl", iat: Self.signedAt, seq: 1, revoked: []), key: fixture.key, kid: fixture.kid)
        #expect(Self.code { _ = try RevocationListVerifier(keyring: keyring).verify(Array(list.utf8), state: nil) } == problem.map { "revocations." + $0 }, "\(name)")

        // A key endorsement (its `iat` is the signing time).
        let endorsed = JWK(kid: "next", key: PrivateSigningKey.generate(.eddsa).publicKey)
        let endorsement = try KeyEndorsementFormat.sign(endorsed, by: fixture.key, kid: fixture.kid, now: Self.signedAt)
        #expect(Self.code { _ = try KeyEndorsementVerifier(keyring: keyring).extend(with: [("next.endorsement", Array(endorsement.utf8))]) }
                == problem.map { "endorsement." + $0 }, "\(name)")

        // A release catalog carries no signing time: only a revoked key is refused.
        let catalogJSON = Array(#"{"product": "crm-groupware", "name": "CRM", "pbx": "STARFACE", "releases": [], "incompatibilities": []}"#.utf8)
        let catalog = try SignedCatalog.sign(catalogJSON: catalogJSON, source: "releases.json", key: fixture.key, kid: fixture.kid)
        #expect(Self.code { _ = try SignedCatalog.verify(Array(catalog.utf8), keyring: keyring, source: "catalog") }
                == (problem == "key-revoked" ? "catalog.key-revoked" : nil), "\(name)")
    }

    @Test func developmentKeysAreRefusedInProductionOnly() throws {
        let fixture = LicenseFixture(environment: .development)
        let fitness = KeyFitness(allowDevelopmentKeys: false)
        #expect(fitness.problems(of: fixture.jwk, signedAt: nil) == [.development])
        #expect(KeyFitness(allowDevelopmentKeys: true).problems(of: fixture.jwk, signedAt: nil).isEmpty)
        let list = try RevocationListFormat.sign(RevocationListClaims(iss: "ctictl", iat: Self.signedAt, seq: 1, revoked: []), key: fixture.key, kid: fixture.kid)
        #expect(Self.code { _ = try RevocationListVerifier(keyring: fixture.keyring).verify(Array(list.utf8), state: nil) } == "revocations.development-key")
        #expect(Self.code { _ = try RevocationListVerifier(keyring: fixture.keyring).verify(Array(list.utf8), state: nil, allowDevelopmentKeys: true) } == nil)
    }

    /// The code of the failure `body` throws, nil when it does not throw.
    static func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return (error as? any CTIError)?.code ?? "\(error)"
        }
    }
}
