import CTICore
import ClientConfig
import Licensing
import ReleaseCatalog
import StartupCheck

/// The inputs read from disk, and where the state goes back to.
public struct GatheredStartup: Sendable {
    public let request: StartupRequest
    /// The state file to write the next state to (when the request named it by path).
    public let statePath: String?
}

extension StartupInvocation {
    /// Reads every file the request names. A file that cannot be read becomes a finding of
    /// the check (the client must still get a verdict); a request that is wrong in itself (no
    /// product, a version that is not one) throws a usage failure (64).
    public func gather(clock: () -> Int64, limits: StartupLimits = .standard) throws(CTIFailure) -> GatheredStartup {
        guard let product = string("product") else { throw CTIFailure(.startupRequestIncomplete, "the request names no product (\"product\", --product)") }
        guard let clientText = string("clientVersion") else {
            throw CTIFailure(.startupRequestIncomplete, "the request names no installed client version (\"clientVersion\", --client-version)")
        }
        let client = try Self.version(clientText, member: "clientVersion")
        var problems: [StartupFinding] = []
        func read(_ name: String, part: StartupPart, limit: Int) -> InputDocument? {
            guard case .object(let reference)? = members[name] else { return nil }
            return Self.read(reference, label: name, part: part, limit: limit, problems: &problems)
        }
        let license = read("license", part: .license, limit: limits.license)
        let keyring = read("keyring", part: .input, limit: limits.keyring)
        let revocations = read("revocations", part: .input, limit: limits.revocations)
        let catalog = read("catalog", part: .input, limit: limits.catalog)
        let config = read("config", part: .config, limit: limits.config)
        var endorsements: [InputDocument] = []
        if case .array(let items)? = members["endorsements"] {
            for case .object(let reference) in items.prefix(limits.endorsements + 1) {
                if let document = Self.read(reference, label: "endorsement", part: .input, limit: limits.endorsement, problems: &problems) { endorsements.append(document) }
            }
        }
        // A missing state file is a first start, not a problem.
        var state: InputDocument?
        var statePath: String?
        if case .object(let reference)? = members["state"] {
            statePath = reference["path"]?.stringValue
            if let statePath {
                do {
                    // Missing: a first start. Far too large for a state: damaged, a warning, as a broken one.
                    state = try SafeFile.readIfPresent(statePath, limit: Int64(limits.state)).map { InputDocument(name: statePath, bytes: $0) }
                } catch {
                    if case .tooLarge = error.reason {
                        problems.append(.stateDamaged(statePath, reason: error.message))
                    } else {
                        problems.append(StartupFinding(.input, failure: CTIFailure(error), document: "state"))
                    }
                }
            } else {
                state = Self.read(reference, label: "state", part: .input, limit: limits.state, problems: &problems)
            }
        }
        var settingsFiles: ProductSettingsFiles?
        if config != nil {
            do {
                let directory = try CatalogDirectory.locate(option: string("configSchemas"))
                settingsFiles = try ProductSettingsFiles.read(product: product, from: directory.path)
            } catch {
                problems.append(StartupFinding(.config, failure: CTIFailure((error as? any CTIError) ?? CTIFailure(.startupRequestMalformed, "\(error)")), document: "config-schemas"))
            }
        }
        let now: Int64
        if let at = string("at") {
            guard let instant = CivilDate(at)?.secondsSince1970 ?? UTCTimestamp.parse(at) else {
                throw CTIFailure(.startupRequestMalformed, "\"at\" \"\(at)\": expected a date YYYY-MM-DD or a timestamp like 2027-01-31T12:00:00Z")
            }
            now = instant
        } else {
            now = clock()
        }
        let factors = [(PBXFactor.instanceID, "pbxId"), (PBXFactor.mac, "pbxMac"), (PBXFactor.hostname, "pbxHostname")]
            .compactMap { kind, member in string(member).map { PBXFactor(kind: kind, value: $0) } }
        let request = StartupRequest(
            product: product, license: license, keyring: keyring, endorsements: endorsements, revocations: revocations, catalog: catalog,
            state: state, config: config, settingsFiles: settingsFiles, client: client, module: integer("moduleVersion"),
            pbx: try string("pbxVersion").map { v throws(CTIFailure) in try Self.version(v, member: "pbxVersion") }, pbxFactors: factors,
            datev: try string("datevVersion").map { v throws(CTIFailure) in try Self.version(v, member: "datevVersion") },
            activeUsers: integer("activeUsers"), now: now, nowIsFromClock: string("at") == nil,
            allowDevelopmentKeys: members["allowDevelopmentKeys"] == .bool(true), problems: problems)
        return GatheredStartup(request: request, statePath: statePath)
    }

    private static func version(_ text: String, member: String) throws(CTIFailure) -> Version {
        do {
            return try Version(text)
        } catch {
            throw CTIFailure(.startupRequestMalformed, "\"\(member)\" \"\(text)\" is not a version (like 2.6 or 2.3.7.3)")
        }
    }

    private static func read(_ reference: [String: JSONValue], label: String, part: StartupPart, limit: Int, problems: inout [StartupFinding]) -> InputDocument? {
        if let text = reference["text"]?.stringValue { return InputDocument(name: "\(label) (inline)", bytes: Array(text.utf8)) }
        guard let path = reference["path"]?.stringValue else { return nil }
        do {
            return InputDocument(name: path, bytes: try SafeFile.read(path, limit: Int64(limit)))
        } catch {
            problems.append(StartupFinding(part, failure: CTIFailure(error), document: label))
            return nil
        }
    }
}

/// Runs a whole check as a client program does: gather the inputs, check, write the state.
public enum StartupRun {
    public struct Outcome: Sendable {
        public let verdict: StartupVerdict
        /// The instant judged (nil when the request could not be read).
        public let checkedAt: Int64?
    }

    public static func run(_ invocation: StartupInvocation, clock: () -> Int64 = SystemClock.now) -> Outcome {
        let gathered: GatheredStartup
        do {
            gathered = try invocation.gather(clock: clock)
        } catch {
            return Outcome(verdict: .refused(error, product: invocation.string("product")), checkedAt: nil)
        }
        var verdict = StartupCheck().run(gathered.request)
        if let path = gathered.statePath, let next = verdict.report.nextState {
            do {
                // Under the lock, `save` reads the file again and merges: a client that started
                // at the same moment and saved a later time first keeps it.
                try StateFileLock.holding(forFileIn: path) { try next.save(path) }
            } catch {
                verdict = verdict.adding(StartupFinding(.input, .warning(
                    ErrorCode.startupStateNotSaved.rawValue,
                    en: "The verifier state could not be saved to \(path) (\((error as? any CTIError)?.message ?? "\(error)")); the clock check cannot move on.",
                    de: "Der Prüfzustand konnte nicht in \(path) gespeichert werden (\((error as? any CTIError)?.message ?? "\(error)")); die Uhrzeitprüfung kann nicht fortschreiten.",
                    fixEN: "Let the client's user write to \(path).", fixDE: "Geben Sie dem Benutzer des Clients Schreibrechte auf \(path).")))
            }
        }
        return Outcome(verdict: verdict, checkedAt: gathered.request.now)
    }

    /// The largest request the C entry point accepts: inline documents fit well below this.
    public static let requestLimit = 32 << 20

    /// `verdictJSON` of a caller's buffer: its length is judged before a byte is copied (a
    /// wrong or huge length from a foreign caller is refused, not read).
    public static func verdictJSON(pointer: UnsafePointer<UInt8>?, length: Int) -> [UInt8] {
        guard let pointer else { return verdictJSON(request: nil) }
        guard length <= requestLimit else { return tooLarge(length) }
        return verdictJSON(request: Array(UnsafeBufferPointer(start: pointer, count: max(0, length))))
    }

    private static func tooLarge(_ length: Int) -> [UInt8] {
        StartupVerdict.refused(CTIFailure(.startupInputTooLarge, "the request has \(length) bytes; at most \(requestLimit)")).json(checkedAt: nil)
    }

    /// The C entry point's whole work (`cti_startup_check`, include/cti_startup_check.h): a
    /// JSON request (nil for a NULL pointer) in, the JSON verdict out, always; here rather than
    /// in the C library so the fuzzer (scripts/fuzz, `startup-request`) runs this very code.
    public static func verdictJSON(request: [UInt8]?) -> [UInt8] {
        guard let request else {
            return StartupVerdict.refused(CTIFailure(.startupRequestMalformed, "the request is NULL")).json(checkedAt: nil)
        }
        guard request.count <= requestLimit else { return tooLarge(request.count) }
        let invocation: StartupInvocation
        do {
            invocation = try StartupInvocation(json: request, source: "request", base: nil)
        } catch {
            return StartupVerdict.refused(error).json(checkedAt: nil)
        }
        let outcome = run(invocation)
        return outcome.verdict.json(checkedAt: outcome.checkedAt)
    }
}
