import CTICore
import ClientConfig
import Licensing
import ReleaseCatalog
import Signing
import StartupCheck
import StartupCheckRunner
import Testing

@Suite("Startup check: one verdict from license, config and compatibility")
struct StartupCheckTests {
    let fixture: StartupFixture

    init() throws {
        fixture = try StartupFixture()
    }

    @Test("a valid license, a good config and a tested combination: start, and the state moves on")
    func valid() throws {
        let verdict = StartupCheck().run(try fixture.request())
        guard case .start(let license, let report) = verdict else {
            Issue.record("expected start, got \(verdict.name): \(verdict.codes)")
            return
        }
        #expect(license.claims.jti == "CTI-00000042")
        #expect(verdict.exitStatus == 0)
        #expect(report.parts.map(\.status) == [.pass, .pass, .pass, .pass])
        #expect(report.compatibility?.verdict == .supported)
        #expect(report.configRelease == "2.6")
        #expect(report.nextState == VerifierState(highWaterMark: StartupFixture.now))
    }

    @Test("expired in the grace period: start with warnings (2)")
    func grace() throws {
        var request = try fixture.request(license: try fixture.license {
            $0.expires = CivilDate("2026-05-20")!.secondsSince1970
            $0.graceDays = 30
        })
        request.now = StartupFixture.now
        let verdict = StartupCheck().run(request)
        #expect(verdict.name == "start-with-warnings")
        #expect(verdict.exitStatus == 2)
        #expect(verdict.codes == ["license.in-grace-period"])
    }

    @Test("expired: do not start (1), and no license is handed out")
    func expired() throws {
        let verdict = StartupCheck().run(try fixture.request(license: try fixture.license { $0.expires = CivilDate("2026-05-01")!.secondsSince1970 }))
        guard case .doNotStart(let report) = verdict else {
            Issue.record("expected do-not-start, got \(verdict.name)")
            return
        }
        #expect(report.findings.map(\.finding.code) == ["license.expired"])
        #expect(report.findings.first?.part == .license)
        #expect(verdict.exitStatus == 1)
    }

    @Test("another PBX: do not start")
    func wrongPBX() throws {
        var request = try fixture.request()
        request.pbxFactors = [PBXFactor(kind: PBXFactor.instanceID, value: "PBX-2")]
        let verdict = StartupCheck().run(request)
        #expect(verdict.name == "do-not-start")
        #expect(verdict.codes == ["license.pbx-mismatch"])
    }

    @Test("UseTapiLine=True on 2.6: do not start, the config part names the setting")
    func tapiLine() throws {
        let config = StartupFixture.userConfig([("StarfaceHost", "192.168.10.5"), ("UseTapiLine", "True")])
        let verdict = StartupCheck().run(try fixture.request(config: config))
        #expect(verdict.name == "do-not-start")
        let tapi = verdict.report.findings.first { $0.finding.code == "config.tapi-line-enabled" }
        #expect(tapi?.part == .config)
        #expect(tapi?.setting == "UseTapiLine")
        #expect(tapi?.finding.severity == .error)
    }

    @Test("a PBX version outside the tested range: start with warnings")
    func untested() throws {
        var request = try fixture.request()
        request.pbx = try Version("9.0")
        let verdict = StartupCheck().run(request)
        #expect(verdict.name == "start-with-warnings")
        #expect(verdict.codes == ["compat.untested"])
        #expect(verdict.report.compatibility?.verdict == .untested)
    }

    @Test("a client release the signed catalog does not list: do not start, said once, with or without the PBX's version")
    func unknownRelease() throws {
        for pbx in [nil, try Version("6.7.0.5")] {
            var request = try fixture.request(config: nil)
            request.client = try Version("2.9")
            request.pbx = pbx
            let verdict = StartupCheck().run(request)
            #expect(verdict.name == "do-not-start")
            #expect(verdict.report.findings.filter { $0.finding.code == "compat.unknown-release" }.map(\.part) == [.license], "\(verdict.codes)")
        }
    }

    @Test("the C entry's buffer: a length over the limit is refused before a byte is read, NULL is malformed")
    func cEntryBuffer() throws {
        func code(_ json: [UInt8]) -> String? {
            guard case .object(let verdict) = try? JSONParser.parse(json), case .array(let findings)? = verdict["findings"],
                  case .object(let first)? = findings.first else { return nil }
            return first["code"]?.stringValue
        }
        let one: [UInt8] = [UInt8(ascii: "{")]
        // One byte behind the pointer, a length far beyond it: only the length is looked at.
        let huge = one.withUnsafeBufferPointer { StartupRun.verdictJSON(pointer: $0.baseAddress, length: StartupRun.requestLimit + 1) }
        #expect(code(huge) == "startup.input-too-large")
        #expect(code(StartupRun.verdictJSON(pointer: nil, length: 10)) == "startup.request-malformed")
        let small = one.withUnsafeBufferPointer { StartupRun.verdictJSON(pointer: $0.baseAddress, length: 1) }
        #expect(code(small) == "startup.request-malformed")
    }

    @Test("a known incompatible combination (2.4.4.1 with STARFACE 6.6.0.*): do not start")
    func incompatible() throws {
        var request = try fixture.request(config: nil)
        request.client = try Version("2.4.4.1")
        request.pbx = try Version("6.6.0.12")
        let verdict = StartupCheck().run(request)
        #expect(verdict.name == "do-not-start")
        #expect(verdict.codes == ["compat.incompatible"])
        #expect(verdict.report.findings.first?.finding.fix != nil)
    }

    @Test("revoked on the revocation list: do not start; the list's sequence is remembered")
    func revoked() throws {
        var request = try fixture.request()
        let list = try RevocationListFormat.sign(
            RevocationListClaims(iss: "ctictl", iat: StartupFixture.now - 86_400, seq: 7,
                                 revoked: [RevocationEntry(jti: "CTI-00000042", revokedAt: StartupFixture.now - 86_400, reason: "refunded")]),
            key: fixture.production, kid: "prod")
        request.revocations = InputDocument(name: "revocations.sig", bytes: Array(list.utf8))
        let verdict = StartupCheck().run(request)
        #expect(verdict.name == "do-not-start")
        #expect(verdict.codes == ["license.revoked"])
        #expect(verdict.report.nextState?.revocationSequence == 7)
    }

    @Test("signed by a development key in production: do not start; allowed for testing")
    func developmentKey() throws {
        let license = try fixture.license(key: "dev")
        let verdict = StartupCheck().run(try fixture.request(license: license))
        #expect(verdict.name == "do-not-start")
        #expect(verdict.codes == ["license.development-key"])
        var allowed = try fixture.request(license: license)
        allowed.allowDevelopmentKeys = true
        #expect(StartupCheck().run(allowed).name == "start")
    }

    @Test("a damaged state file: a warning, a fresh state, no crash", arguments: ["", "{", "garbage\u{0}", "[1,2]", "{\"highWaterMark\": \"soon\"}"])
    func damagedState(content: String) throws {
        var request = try fixture.request()
        request.state = InputDocument(name: "state.json", bytes: Array(content.utf8))
        let verdict = StartupCheck().run(request)
        #expect(verdict.name == "start-with-warnings")
        #expect(verdict.codes == ["startup.state-damaged"])
        #expect(verdict.report.findings.first?.document == "state")
        #expect(verdict.report.nextState == VerifierState(highWaterMark: StartupFixture.now))
    }

    @Test("a clock set back behind the state: do not start, and the mark does not move back")
    func clockSetBack() throws {
        var request = try fixture.request()
        request.state = InputDocument(name: "state.json", bytes: VerifierState(highWaterMark: StartupFixture.now + 30 * 86_400).jsonBytes)
        let verdict = StartupCheck().run(request)
        #expect(verdict.codes == ["clock.set-back"])
        #expect(verdict.report.nextState == nil)
    }

    @Test("a chosen instant (--at) neither judges the clock nor moves the state")
    func chosenInstant() throws {
        var request = try fixture.request()
        request.nowIsFromClock = false
        request.state = InputDocument(name: "state.json", bytes: VerifierState(highWaterMark: StartupFixture.now + 30 * 86_400).jsonBytes)
        let verdict = StartupCheck().run(request)
        #expect(verdict.name == "start")
        #expect(verdict.report.nextState == nil)
    }

    @Test("no license, no keyring, no catalog: each named, do not start")
    func missingInputs() throws {
        var request = try fixture.request()
        request.license = nil
        #expect(StartupCheck().run(request).codes == ["startup.license-missing"])
        request = try fixture.request()
        request.catalog = nil
        let noCatalog = StartupCheck().run(request)
        #expect(noCatalog.codes == ["startup.catalog-missing"])
        #expect(noCatalog.report.parts.first { $0.part == .compatibility }?.status == .skipped)
        request = try fixture.request()
        request.keyring = nil
        #expect(StartupCheck().run(request).codes == ["startup.keyring-missing"])
    }

    @Test("an input reported unreadable by the caller is not reported twice")
    func reportedProblem() throws {
        var request = try fixture.request()
        request.license = nil
        request.problems = [StartupFinding(.license, failure: CTIFailure(ErrorCode("file.not-found", .malformedInput), "license.lic: no such file"), document: "license")]
        let verdict = StartupCheck().run(request)
        #expect(verdict.codes == ["file.not-found"])
        #expect(verdict.exitStatus == 65)
    }

    @Test("codes of the inputs: too many endorsements (65), no PBX version (a warning), no config schemas (64)")
    func inputCodes() throws {
        var request = try fixture.request()
        var limits = StartupLimits()
        limits.endorsements = 1
        request.endorsements = [InputDocument(name: "a", bytes: []), InputDocument(name: "b", bytes: [])]
        let crowded = StartupCheck(limits: limits).run(request)
        #expect(crowded.codes.contains("startup.too-many-endorsements") && crowded.exitStatus == 65, "\(crowded.codes)")
        request = try fixture.request()
        request.pbx = nil
        let noPBX = StartupCheck().run(request)
        #expect(noPBX.name == "start-with-warnings" && noPBX.codes == ["startup.pbx-version-unknown"], "\(noPBX.codes)")
        request = try fixture.request()
        request.settingsFiles = nil
        let noSchemas = StartupCheck().run(request)
        #expect(noSchemas.codes == ["startup.config-schemas-missing"] && noSchemas.exitStatus == 64, "\(noSchemas.codes)")
        #expect(noSchemas.report.parts.first { $0.part == .config }?.status == .fail)
    }

    @Test("an inline state far too large for one: damaged, a warning, a fresh state")
    func oversizedInlineState() throws {
        var request = try fixture.request()
        request.state = InputDocument(name: "state (inline)", bytes: [UInt8](repeating: 0x20, count: Int(VerifierState.fileLimit) + 1))
        let verdict = StartupCheck().run(request)
        #expect(verdict.name == "start-with-warnings")
        #expect(verdict.codes == ["startup.state-damaged"])
    }

    @Test("oversized inputs are refused before they are parsed (65)")
    func oversized() throws {
        var request = try fixture.request()
        request.config = InputDocument(name: "user.config", bytes: [UInt8](repeating: 0x20, count: StartupLimits.standard.config + 1))
        let verdict = StartupCheck().run(request)
        #expect(verdict.codes == ["startup.input-too-large"])
        #expect(verdict.exitStatus == 65)
        var limits = StartupLimits()
        limits.license = 100
        #expect(StartupCheck(limits: limits).run(try fixture.request()).codes == ["startup.input-too-large"])
    }

    @Test("a catalog of another product, an unsigned catalog, a broken keyring: findings, not crashes")
    func untrustworthyInputs() throws {
        var request = try fixture.request()
        request.catalog = InputDocument(name: "releases.json", bytes: try SafeFile.read(StartupFixture.schemas + "/datev-connector/releases.json", limit: 8 << 20))
        let unsigned = StartupCheck().run(request)
        #expect(unsigned.codes == ["catalog.unsigned"])
        #expect(unsigned.name == "do-not-start")
        request = try fixture.request()
        request.keyring = InputDocument(name: "keyring.jwks", bytes: Array("{\"keys\": 5}".utf8))
        let broken = StartupCheck().run(request)
        #expect(broken.name == "do-not-start")
        #expect(broken.exitStatus == 65)
        #expect(broken.report.findings.first?.document == "keyring")
    }

    @Test("a malformed user.config: the config part fails, the license is still checked")
    func malformedConfig() throws {
        let verdict = StartupCheck().run(try fixture.request(config: "<configuration><userSettings>"))
        #expect(verdict.name == "do-not-start")
        #expect(verdict.report.findings.allSatisfy { $0.part == .config })
        #expect(verdict.report.parts.first { $0.part == .license }?.status == .pass)
    }

    @Test("the state is written again only when it says something new")
    func stateWrittenOnlyWhenWorthIt() throws {
        func next(after saved: VerifierState) throws -> VerifierState? {
            var request = try fixture.request()
            request.state = InputDocument(name: "state.json", bytes: saved.jsonBytes)
            return StartupCheck().run(request).report.nextState
        }
        #expect(try next(after: VerifierState(highWaterMark: StartupFixture.now - 600)) == nil)
        #expect(try next(after: VerifierState(highWaterMark: StartupFixture.now - 7_200)) == VerifierState(highWaterMark: StartupFixture.now))
        #expect(try next(after: VerifierState()) == VerifierState(highWaterMark: StartupFixture.now))
    }

    @Test("the running release's schema alone gives the findings of all the schemas, read from files or from the documents",
          arguments: [StartupFixture.goodConfig, StartupFixture.userConfig([("StarfaceHost", "http://192.168.10.5"), ("UseTapiLine", "True"), ("Unknown", "1")]),
                      StartupFixture.userConfig([("TransferCallsAutomatically", "False"), ("OpenCallerDialog", "False"), ("XmppPort", "x")])])
    func onlyTheRunningReleasesSchema(config: String) throws {
        let release = try Version("2.6")
        let every = try ProductSettings.load(product: "datev-connector", from: StartupFixture.schemas)
        let only = try ProductSettings.load(product: "datev-connector", from: StartupFixture.schemas, only: release)
        let documents = try ProductSettings(product: "datev-connector", catalog: every.catalog, files: fixture.settingsFiles, only: release)
        #expect(every.schemas.count > 1)
        #expect(only.schemas.count == 1 && documents.schemas.count == 1)
        let file = try SettingsFile(bytes: Array(config.utf8), source: "user.config")
        let all = ConfigCheck(product: every).findings(for: file, release: release)
        #expect(ConfigCheck(product: only).findings(for: file, release: release) == all)
        #expect(ConfigCheck(product: documents).findings(for: file, release: release) == all)
        #expect(!all.isEmpty || config == StartupFixture.goodConfig)
    }

    @Test("without a verified catalog the config is not checked, and says why")
    func configNeedsTheVerifiedCatalog() throws {
        var request = try fixture.request(config: StartupFixture.userConfig([("UseTapiLine", "True")]))
        request.catalog = nil
        let verdict = StartupCheck().run(request)
        #expect(verdict.codes == ["startup.catalog-missing"])
        #expect(verdict.report.parts.first { $0.part == .config }?.status == .skipped)
    }
}
