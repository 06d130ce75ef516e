import CTICore
import ClientConfig
import Licensing
import ReleaseCatalog
import Signing

/// The one call a client makes at every start (docs/startup-check.md): the license, this
/// user's config and the installed combination, checked offline from the inputs alone. It
/// never throws: whatever goes wrong is a finding, so the caller always gets a verdict.
public struct StartupCheck: Sendable {
    public let limits: StartupLimits

    public init(limits: StartupLimits = .standard) {
        self.limits = limits
    }

    public func run(_ request: StartupRequest) -> StartupVerdict {
        var run = Run(request: request)
        // Nothing oversized is parsed: the client must never hang or run out of memory at start.
        guard run.inputsFit(limits) else { return run.verdict(license: nil) }
        let state = run.readState()
        let keyring = run.trustedKeyring()
        let catalog = keyring.flatMap { run.verifiedCatalog(keyring: $0) }
        let license = keyring.flatMap { run.checkLicense(keyring: $0, catalog: catalog, state: state) }
        run.checkConfig(catalog: catalog)
        run.checkCompatibility(catalog: catalog)
        return run.verdict(license: license)
    }
}

/// One run of the check: the request and what has been found so far.
private struct Run {
    let request: StartupRequest
    var findings: [StartupFinding] = []
    var skipped: [StartupPart: LocalizedText] = [:]
    var nextState: VerifierState?
    var compatibility: CompatibilityVerdict?
    var configRelease: String?

    init(request: StartupRequest) {
        self.request = request
        findings = request.problems
    }

    /// Whether the caller already reported `document` as unreadable (no second finding then).
    func reported(_ document: String) -> Bool {
        request.problems.contains { $0.document == document }
    }

    /// Every library error is a `CTIError`; anything else is a defect of the check (70).
    mutating func add(_ part: StartupPart, _ error: any Error, document: String? = nil) {
        let failure = (error as? any CTIError).map(CTIFailure.init) ?? CTIFailure(.startupInternal, "the check failed: \(error)")
        findings.append(StartupFinding(part, failure: failure, document: document))
    }

    // MARK: Inputs

    mutating func inputsFit(_ limits: StartupLimits) -> Bool {
        let before = findings.count
        var documents: [(InputDocument?, Int, String)] = [
            (request.license, limits.license, "license"), (request.keyring, limits.keyring, "keyring"),
            (request.revocations, limits.revocations, "revocations"), (request.catalog, limits.catalog, "catalog"),
            (request.config, limits.config, "config"),
        ]
        documents += request.endorsements.map { ($0, limits.endorsement, "endorsement") }
        for case let (document?, limit, kind) in documents where document.bytes.count > limit {
            findings.append(StartupFinding(.input, .error(
                ErrorCode.startupInputTooLarge.rawValue,
                en: "\(document.name): \(document.bytes.count) bytes is more than a \(kind) may have (\(limit)); is it the right file?",
                de: "\(document.name): \(document.bytes.count) Bytes sind mehr, als eine Datei dieser Art (\(kind)) haben darf (\(limit)); ist es die richtige Datei?",
                fixEN: "Point the check at the right file.", fixDE: "Geben Sie die richtige Datei an."), document: kind, failureKind: .malformedInput))
        }
        if request.endorsements.count > limits.endorsements {
            add(.input, CTIFailure(.startupTooManyEndorsements, "\(request.endorsements.count) key endorsements; at most \(limits.endorsements) are read"), document: "endorsement")
        }
        return findings.count == before
    }

    /// The state as saved, or a fresh one for a first start or a damaged file (a warning: the
    /// clock check starts over and an older revocation list would be accepted again).
    mutating func readState() -> VerifierState {
        guard let document = request.state else { return VerifierState() }
        do {
            return try VerifierState(jsonBytes: document.bytes, source: document.name)
        } catch {
            findings.append(.stateDamaged(document.name, reason: String(describing: error)))
            return VerifierState()
        }
    }

    mutating func trustedKeyring() -> Keyring? {
        guard let document = request.keyring else {
            if !reported("keyring") {
                findings.append(StartupFinding(.input, .error(
                    ErrorCode.startupKeyringMissing.rawValue, en: "No keyring was given: nothing can be verified.",
                    de: "Kein Schlüsselbund angegeben: Es kann nichts geprüft werden.",
                    fixEN: "Reinstall the client: its keyring belongs beside it.", fixDE: "Installieren Sie den Client neu: Sein Schlüsselbund gehört dazu."),
                    failureKind: .invalid))
            }
            return nil
        }
        let keyring: Keyring
        do {
            keyring = try Keyring(jsonBytes: document.bytes, source: document.name)
        } catch {
            add(.input, error, document: "keyring")
            return nil
        }
        guard !request.endorsements.isEmpty else { return keyring }
        do {
            return try LicenseCheck.extend(keyring, with: request.endorsements)
        } catch {
            add(.input, error, document: "endorsement")
            return keyring
        }
    }

    mutating func verifiedCatalog(keyring: Keyring) -> ReleaseCatalog? {
        guard let document = request.catalog else {
            guard !reported("catalog") else { return nil }
            findings.append(StartupFinding(.input, .error(
                ErrorCode.startupCatalogMissing.rawValue,
                en: "No release catalog was given: the release's date (maintenance) and the supported combinations cannot be checked.",
                de: "Kein Versionskatalog angegeben: Erscheinungsdatum (Wartung) und unterstützte Kombinationen können nicht geprüft werden.",
                fixEN: "Reinstall the client: its signed release catalog belongs beside it.",
                fixDE: "Installieren Sie den Client neu: Sein signierter Versionskatalog gehört dazu."), failureKind: .invalid))
            return nil
        }
        do {
            let catalog = try SignedCatalog.verify(document.bytes, keyring: keyring, source: document.name, allowDevelopmentKeys: request.allowDevelopmentKeys).catalog
            guard catalog.product == request.product else {
                add(.input, CTIFailure(.usageConflict, "\(document.name): the release catalog is \(catalog.product)'s, not \(request.product)'s"), document: "catalog")
                return nil
            }
            return catalog
        } catch {
            add(.input, error, document: "catalog")
            return nil
        }
    }

    // MARK: License

    mutating func checkLicense(keyring: Keyring, catalog: ReleaseCatalog?, state: VerifierState) -> VerifiedLicense? {
        guard let document = request.license else {
            guard !reported("license") else { return nil }
            findings.append(StartupFinding(.license, .error(
                ErrorCode.startupLicenseMissing.rawValue, en: "No license is installed.", de: "Es ist keine Lizenz eingespielt.",
                fixEN: "Install the license file you received from the vendor.",
                fixDE: "Spielen Sie die Lizenzdatei ein, die Sie vom Hersteller erhalten haben."), failureKind: .invalid))
            return nil
        }
        var context = VerificationContext(
            now: request.now, product: request.product, pbxFactors: request.pbxFactors, allowDevelopmentKeys: request.allowDevelopmentKeys,
            activeUsers: request.activeUsers, state: state, nowIsFromClock: request.nowIsFromClock)
        // A release the signed catalog does not list cannot be judged against the license's
        // maintenance: an error here, not a policy quietly skipped.
        if let catalog, !catalog.versionedReleases.isEmpty {
            do {
                try context.run(release: request.client, of: catalog)
            } catch {
                add(.license, error)
            }
        }
        let result: LicenseCheck.Result
        do {
            result = try LicenseCheck(license: document, keyring: keyring, revocations: request.revocations, context: context).run()
        } catch {
            add(.license, error, document: "license")
            return nil
        }
        nextState = result.nextState
        findings += result.verification.findings.map { StartupFinding(.license, $0) }
        return result.verification.license
    }

    // MARK: Config

    /// The config against the schema the *verified* catalog names for the installed release.
    mutating func checkConfig(catalog: ReleaseCatalog?) {
        guard let document = request.config else {
            skipped[.config] = LocalizedText(en: "no settings file given", de: "keine Einstellungsdatei angegeben")
            return
        }
        guard let files = request.settingsFiles else {
            if !reported("config-schemas") {
                add(.config, CTIFailure(.startupSchemasMissing, "\(document.name): the product's settings schemas were not given, so the file cannot be checked"))
            }
            return
        }
        guard let catalog else {
            skipped[.config] = LocalizedText(
                en: "no verified release catalog: which schema belongs to the installed release cannot be told",
                de: "kein geprüfter Versionskatalog: welches Schema zur installierten Version gehört, ist nicht feststellbar")
            return
        }
        do {
            let settings = try ProductSettings(product: request.product, catalog: catalog, files: files, only: request.client)
            let file = try SettingsFile(bytes: document.bytes, source: document.name)
            let check = ConfigCheck(product: settings)
            let release: Version? = settings.hasReleases ? request.client : nil
            configRelease = release?.description
            findings += check.findings(for: file, release: release).map { StartupFinding(.config, $0.finding, setting: $0.setting) }
        } catch {
            add(.config, error, document: "config")
        }
    }

    // MARK: Compatibility

    mutating func checkCompatibility(catalog: ReleaseCatalog?) {
        guard let catalog else {
            skipped[.compatibility] = LocalizedText(en: "no verified release catalog", de: "kein geprüfter Versionskatalog")
            return
        }
        guard !catalog.versionedReleases.isEmpty else {
            skipped[.compatibility] = LocalizedText(en: "the catalog lists no releases", de: "der Katalog nennt keine Versionen")
            return
        }
        guard let pbx = request.pbx else {
            findings.append(StartupFinding(.compatibility, .warning(
                ErrorCode.startupPBXUnknown.rawValue, en: "The PBX's version was not given, so the installed combination was not checked.",
                de: "Die Version der TK-Anlage wurde nicht angegeben; die installierte Kombination wurde nicht geprüft.",
                fixEN: "Pass the PBX version (--pbx-version).", fixDE: "Geben Sie die Version der TK-Anlage an (--pbx-version).")))
            return
        }
        do {
            let verdict = try CompatibilityChecker(catalog: catalog).check(client: request.client, module: request.module, pbx: pbx, datev: request.datev)
            compatibility = verdict
            guard verdict.verdict != .supported else { return }
            let severity: Severity = verdict.verdict == .incompatible ? .error : .warning
            let details = verdict.evidence + (verdict.suggestion.map { [$0] } ?? [])
            let message = LocalizedText(
                en: ([verdict.headline.en] + details.map(\.en)).joined(separator: " "),
                de: ([verdict.headline.de] + details.map(\.de)).joined(separator: " "))
            let plan = "ctictl compat plan --product \(request.product) --from \(request.client) --pbx \(pbx)" + (request.datev.map { " --datev \($0)" } ?? "")
            let fix = verdict.suggestions.first.map {
                LocalizedText(en: "Install \(request.product) \($0), or run a PBX version it is tested with.",
                              de: "Installieren Sie \(request.product) \($0) oder eine dafür getestete Version der TK-Anlage.")
            } ?? LocalizedText(en: "No release is tested with this combination; `\(plan)` shows the way to one that is.",
                               de: "Keine Version ist mit dieser Kombination getestet; `\(plan)` zeigt den Weg zu einer, die es ist.")
            findings.append(StartupFinding(.compatibility, Finding(code: "compat.\(verdict.verdict.rawValue)", severity: severity, message: message, fix: fix)))
        } catch let failure as CTIFailure where failure.errorCode == .compatUnknownRelease
                    && findings.contains(where: { $0.finding.code == failure.errorCode.rawValue }) {
            // The license part has said it already.
        } catch {
            add(.compatibility, error)
        }
    }

    // MARK: Verdict

    func verdict(license: VerifiedLicense?) -> StartupVerdict {
        let parts = StartupPart.allCases.map { part -> StartupPartResult in
            if let reason = skipped[part] { return StartupPartResult(part: part, status: .skipped, skipReason: reason) }
            switch findings.filter({ $0.part == part }).map(\.finding).worstSeverity {
            case .error?: return StartupPartResult(part: part, status: .fail, skipReason: nil)
            case .warning?: return StartupPartResult(part: part, status: .warn, skipReason: nil)
            default: return StartupPartResult(part: part, status: .pass, skipReason: nil)
            }
        }
        let report = StartupReport(product: request.product, client: request.client, findings: findings, parts: parts, nextState: nextState, compatibility: compatibility, configRelease: configRelease)
        guard let license else { return .doNotStart(report) }
        switch report.worstSeverity {
        case .error?: return .doNotStart(report)
        case .warning?: return .startWithWarnings(license, report)
        default: return .start(license, report)
        }
    }
}

extension StartupFinding {
    /// A state file that does not read as one (damaged, or far too large for one): a warning,
    /// the client starts with a fresh state (the clock check starts over).
    public static func stateDamaged(_ name: String, reason: String) -> StartupFinding {
        StartupFinding(.input, .warning(
            ErrorCode.startupStateDamaged.rawValue,
            en: "\(name): the verifier state is damaged (\(reason)); a new one is started, so the clock check starts over.",
            de: "\(name): Der Prüfzustand ist beschädigt (\(reason)); ein neuer wird angelegt, die Uhrzeitprüfung beginnt von vorn.",
            fixEN: "Nothing to do if this happened once; if it recurs, check the disk and who writes to \(name).",
            fixDE: "Einmalig: nichts zu tun. Wiederholt: Datenträger prüfen und wer in \(name) schreibt."), document: "state")
    }
}
