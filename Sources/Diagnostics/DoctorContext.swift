import CTICore
import StartupCheckRunner

/// Everything the checks of one doctor run look at, given by the command line: the inputs of
/// the startup check, the places to look (a copied profile tree, log folders, a module
/// export), and how far the network may be used.
public struct DoctorContext: Sendable {
    /// The product (`datev-connector`).
    public var product: String
    /// The startup check's inputs (license, keyring, catalog, versions, PBX), as for `ctictl check`.
    public var startup: StartupInvocation
    /// A copied or mounted profile tree (`--root`): every user's config and logs below it.
    public var profileRoot: String?
    /// Settings files named directly (`--config`, or the startup request's `config`), besides
    /// those under `profileRoot`.
    public var configFiles: [String]
    /// Log folders named directly (`--logs`), besides those under `profileRoot`.
    public var logDirectories: [String]
    /// The STARFACE module configuration's name as typed (`--module-name`), or an export of
    /// the module configuration (`--module-export`).
    public var moduleName: String?
    public var moduleExport: String?
    /// The config-schemas folder (catalogs, schemas, rules, known-issues.json).
    public var configSchemas: String
    /// Now (seconds since 1970, UTC).
    public var now: Int64
    /// How long a network probe may wait; nil: no network at all (`--offline`).
    public var probeTimeoutMilliseconds: Int?

    public init(
        product: String, startup: StartupInvocation = StartupInvocation(), profileRoot: String? = nil, configFiles: [String] = [],
        logDirectories: [String] = [], moduleName: String? = nil, moduleExport: String? = nil, configSchemas: String, now: Int64,
        probeTimeoutMilliseconds: Int? = 2_000
    ) {
        self.product = product
        self.startup = startup
        self.profileRoot = profileRoot
        // The startup check's config is a named config too: every check sees it here.
        let requested = startup.members["config"]?.path.map { [$0] } ?? []
        self.configFiles = configFiles + requested.filter { !configFiles.contains($0) }
        self.logDirectories = logDirectories
        self.moduleName = moduleName
        self.moduleExport = moduleExport
        self.configSchemas = configSchemas
        self.now = now
        self.probeTimeoutMilliseconds = probeTimeoutMilliseconds
    }
}

extension JSONValue {
    /// A startup request's document member: its path (`{"path": …}`), if it names one.
    var path: String? {
        guard case .object(let members) = self, case .string(let path)? = members["path"] else { return nil }
        return path
    }
}
