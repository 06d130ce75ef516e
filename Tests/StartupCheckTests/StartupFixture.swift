import CTICore
import ClientConfig
import Licensing
import ReleaseCatalog
import Signing
import StartupCheck

/// A vendor (keys, the signed catalog of datev-connector) and a client installation, made
/// fresh per test; `request` is a start that passes, which each test changes in one way.
struct StartupFixture {
    static let packageRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = SafeFile.parentDirectory(of: path) }
        return path
    }()
    static let schemas = packageRoot + "/config-schemas"
    static let now = CivilDate("2026-06-01")!.secondsSince1970

    let production = PrivateSigningKey.generate(.eddsa)
    let development = PrivateSigningKey.generate(.eddsa)
    let keyring: Keyring
    let catalog: String
    let settingsFiles: ProductSettingsFiles

    init() throws {
        keyring = Keyring(keys: [
            JWK(kid: "prod", key: production.publicKey, status: .active, environment: .production),
            JWK(kid: "dev", key: development.publicKey, status: .active, environment: .development),
        ])
        let catalogJSON = try SafeFile.read(Self.schemas + "/datev-connector/releases.json", limit: 8 << 20)
        catalog = try SignedCatalog.sign(catalogJSON: catalogJSON, source: "releases.json", key: production, kid: "prod")
        settingsFiles = try ProductSettingsFiles.read(product: "datev-connector", from: Self.schemas)
    }

    /// A license for datev-connector bound to PBX "PBX-1", valid through 2027.
    func license(key: String = "prod", serial: String = "CTI-00000042", _ change: (inout LicenseRequest) -> Void = { _ in }) throws -> String {
        var request = LicenseRequest(
            customerID: "K-10023", customerName: "Kanzlei Muster", product: "datev-connector", seats: 10,
            pbx: PBXBinding(factors: [PBXFactor(kind: PBXFactor.instanceID, value: "PBX-1")]),
            expires: CivilDate("2028-01-01")!.secondsSince1970)
        change(&request)
        let signer = key == "prod" ? production : development
        return try LicenseIssuer(key: signer, kid: key).sign(try request.claims(serial: serial, issuedAt: CivilDate("2026-01-15")!.secondsSince1970)).text
    }

    static func userConfig(_ settings: [(String, String)]) -> String {
        let lines = settings.map { "      <setting name=\"\($0.0)\" serializeAs=\"String\">\r\n        <value>\($0.1)</value>\r\n      </setting>" }
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<configuration>\r\n  <userSettings>\r\n    <DatevConnector.Properties.Settings>\r\n"
            + lines.joined(separator: "\r\n") + "\r\n    </DatevConnector.Properties.Settings>\r\n  </userSettings>\r\n</configuration>\r\n"
    }

    static let goodConfig = userConfig([
        ("StarfaceHost", "192.168.10.5"), ("XmppPort", "5222"), ("SslPort", "443"), ("LoginId", "0815"),
        ("TransferCallsAutomatically", "True"), ("PrioritizeMasterData", "True"),
    ])

    func request(license: String? = nil, config: String? = StartupFixture.goodConfig) throws -> StartupRequest {
        StartupRequest(
            product: "datev-connector", license: InputDocument(name: "license.lic", bytes: Array((try license ?? self.license()).utf8)),
            keyring: InputDocument(name: "keyring.jwks", bytes: keyring.jsonBytes),
            catalog: InputDocument(name: "catalog.sig", bytes: Array(catalog.utf8)),
            config: config.map { InputDocument(name: "user.config", bytes: Array($0.utf8)) }, settingsFiles: settingsFiles,
            client: try Version("2.6"), pbx: try Version("6.7.0.5"), pbxFactors: [PBXFactor(kind: PBXFactor.instanceID, value: "PBX-1")],
            datev: try Version("10.11"), now: Self.now)
    }
}

extension StartupVerdict {
    var codes: [String] { report.findings.map(\.finding.code) }
}
