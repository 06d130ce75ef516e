import CTICore
import ClientConfig
import ReleaseCatalog

/// What redaction takes from the product's files: which settings are secrets (the schemas'
/// `writeOnly`), and which dotted numbers are release versions, not addresses.
public struct RedactionPolicy: Sendable {
    public var secretSettings: Set<String>
    public var releaseVersions: Set<String>
    /// Why the product's files could not be read, when they could not (the name rules still hold).
    public var note: String?

    public init(secretSettings: Set<String> = [], releaseVersions: Set<String> = [], note: String? = nil) {
        self.secretSettings = secretSettings
        self.releaseVersions = releaseVersions
        self.note = note
    }

    /// Reads `<configSchemas>/<product>/`: every schema's secret settings, every release's
    /// version (also as four parts, as .NET writes it: `2.6.1.0`).
    public static func load(product: String, configSchemas: String) -> RedactionPolicy {
        do {
            let settings = try ProductSettings.load(product: product, from: configSchemas)
            var secrets = Set<String>()
            for (_, schema) in settings.schemas {
                for (name, declared) in schema.properties where declared.secret { secrets.insert(name) }
            }
            var versions = Set<String>()
            for release in settings.catalog.releases {
                for version in [release.version, release.zipVersion].compactMap({ $0 }) {
                    var parts = version.description.split(separator: ".").map(String.init)
                    versions.insert(parts.joined(separator: "."))
                    while parts.count < 4 {
                        parts.append("0")
                        versions.insert(parts.joined(separator: "."))
                    }
                }
            }
            return RedactionPolicy(secretSettings: secrets, releaseVersions: versions)
        } catch {
            let message = (error as? any CTIError)?.message ?? "\(error)"
            return RedactionPolicy(note: "the product's schemas could not be read (\(message)); secrets were found by their names only")
        }
    }

    /// What a setting holds, by the schema and by its name (for settings no schema declares).
    enum SettingRole: Equatable {
        case secret
        case host
        case user
        case other
    }

    private static let secretWords = ["password", "passwort", "kennwort", "secret", "token", "pwd", "apikey", "credential", "license", "lizenz"]
    private static let hostWords = ["host", "server", "ipaddress", "ip-adresse", "domain", "url"]
    private static let userWords = ["login", "user", "benutzer", "account", "jid", "email", "mail"]

    func role(ofSetting name: String) -> SettingRole {
        let lowercased = name.lowercased()
        if secretSettings.contains(name) || Self.secretWords.contains(where: lowercased.contains) { return .secret }
        if Self.hostWords.contains(where: lowercased.contains) || lowercased == "ip" { return .host }
        if Self.userWords.contains(where: lowercased.contains) { return .user }
        return .other
    }
}
