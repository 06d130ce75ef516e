import CTICore
import ClientConfig
import Licensing
import ReleaseCatalog

/// Everything the startup check looks at, handed in by the caller: the check reads no file,
/// opens no socket and reads no clock (docs/startup-check.md, "Inputs").
public struct StartupRequest: Sendable {
    /// The product the client is (`datev-connector`).
    public var product: String
    /// The license file or pasted text; nil when none is installed (the client must not start).
    public var license: InputDocument?
    /// The product's trusted keys (a JWK Set).
    public var keyring: InputDocument?
    /// Key endorsements that extend the keyring (key rotation without a new client).
    public var endorsements: [InputDocument]
    /// The newest signed revocation list the client has, if any.
    public var revocations: InputDocument?
    /// The product's signed release catalog: release dates (maintenance) and compatibility.
    public var catalog: InputDocument?
    /// The verifier state file's bytes; nil when there is none yet (the first start).
    public var state: InputDocument?
    /// This user's settings file (`user.config`); nil skips the config part.
    public var config: InputDocument?
    /// The product's settings schemas and rules as read (the installation's
    /// config-schemas folder); needed when `config` is given. Which schema belongs to the
    /// installed release is taken from the verified catalog.
    public var settingsFiles: ProductSettingsFiles?
    /// The installed client release.
    public var client: Version
    /// The installed STARFACE module's version number, if known.
    public var module: Int?
    /// The PBX's version; nil skips the compatibility guard (with a warning).
    public var pbx: Version?
    /// The PBX's identity as this installation sees it (for a PBX-bound license).
    public var pbxFactors: [PBXFactor]
    /// The DATEV Arbeitsplatz version, if known.
    public var datev: Version?
    /// Users with the right to use the product, if known.
    public var activeUsers: Int?
    /// Now (seconds since 1970, UTC), from the caller's clock.
    public var now: Int64
    /// False when `now` is a chosen instant (a "what if" check): the clock is then not judged
    /// and the state not advanced.
    public var nowIsFromClock: Bool
    /// Accept documents signed by development keys (never in production).
    public var allowDevelopmentKeys: Bool
    /// What the caller met gathering the inputs (a named file it could not read), reported
    /// first; the check adds no second finding for the same document's absence.
    public var problems: [StartupFinding]

    public init(
        product: String, license: InputDocument?, keyring: InputDocument?, endorsements: [InputDocument] = [], revocations: InputDocument? = nil,
        catalog: InputDocument?, state: InputDocument? = nil, config: InputDocument? = nil, settingsFiles: ProductSettingsFiles? = nil,
        client: Version, module: Int? = nil, pbx: Version?, pbxFactors: [PBXFactor] = [], datev: Version? = nil, activeUsers: Int? = nil,
        now: Int64, nowIsFromClock: Bool = true, allowDevelopmentKeys: Bool = false, problems: [StartupFinding] = []
    ) {
        self.product = product
        self.license = license
        self.keyring = keyring
        self.endorsements = endorsements
        self.revocations = revocations
        self.catalog = catalog
        self.state = state
        self.config = config
        self.settingsFiles = settingsFiles
        self.client = client
        self.module = module
        self.pbx = pbx
        self.pbxFactors = pbxFactors
        self.datev = datev
        self.activeUsers = activeUsers
        self.now = now
        self.nowIsFromClock = nowIsFromClock
        self.allowDevelopmentKeys = allowDevelopmentKeys
        self.problems = problems
    }
}

/// The largest input of each kind the check accepts: anything larger is refused with a
/// finding before it is parsed (a client must never hang or run out of memory at start).
public struct StartupLimits: Sendable, Equatable {
    public var license = 1 << 20
    public var keyring = 1 << 20
    public var endorsement = 64 << 10
    public var endorsements = 16
    public var revocations = 16 << 20
    public var catalog = Int(ReleaseCatalog.fileLimit)
    public var state = Int(VerifierState.fileLimit)
    public var config = SettingsReader.sizeLimit

    public init() {}

    public static let standard = StartupLimits()
}
