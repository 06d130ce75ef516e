import CTICore
import Licensing
import Signing

/// Keys, keyrings and licenses for tests, made fresh per test.
struct LicenseFixture {
    let key: PrivateSigningKey
    let kid: String
    var jwk: JWK

    init(_ algorithm: SigningAlgorithm = .eddsa, kid: String = "test-key", status: KeyStatus = .active, environment: KeyEnvironment = .production) {
        key = .generate(algorithm)
        self.kid = kid
        jwk = JWK(kid: kid, key: key.publicKey, status: status, environment: environment)
    }

    var keyring: Keyring { Keyring(keys: [jwk]) }
    var issuer: LicenseIssuer { LicenseIssuer(key: key, kid: kid) }

    static let issuedAt: Int64 = CivilDate("2026-01-15")!.secondsSince1970

    func license(_ configure: (inout LicenseRequest) -> Void = { _ in }) throws -> IssuedLicense {
        var request = LicenseRequest(customerID: "K-10023", customerName: "Kanzlei Muster", product: "datev-connector", features: ["call-notes"], seats: 10)
        configure(&request)
        return try issuer.sign(try request.claims(serial: "CTI-00000042", issuedAt: Self.issuedAt))
    }

    func verify(_ text: String, at now: Int64, product: String? = nil, pbx: [PBXFactor] = [], allowDevelopment: Bool = false) throws -> LicenseVerification {
        try LicenseVerifier(keyring: keyring).verify(
            Array(text.utf8), in: VerificationContext(now: now, product: product, pbxFactors: pbx, allowDevelopmentKeys: allowDevelopment))
    }
}

func day(_ text: String) -> Int64 { CivilDate(text)!.secondsSince1970 }

extension LicenseVerification {
    var codes: [String] { findings.map(\.code) }
}
