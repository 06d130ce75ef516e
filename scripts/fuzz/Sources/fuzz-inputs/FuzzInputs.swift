import ClientConfig
import CTICore
import Diagnostics
import Foundation
import JSONSchema
import Ledger
import Licensing
import ReleaseCatalog
import Signing

// A libFuzzer harness for every reader of outside input. FUZZ_TARGET names the one reader a
// run feeds (see `Target`), so each gets the whole run's executions and its own corpus;
// scripts/fuzz.sh runs them in turn. With FUZZ_SEEDS=DIR the harness first writes valid,
// signed inputs for its target into DIR, so the fuzzer starts from real structure and gets
// past the signature check.

/// The readers, one per kind of outside input.
enum Target: String, CaseIterable {
    case license, keyring, revocations, endorsement, checkpoint, catalog, json, base64url, csv
    case csvField = "csv-field", pem, version, time
    case terminalText = "terminal-text"
    case settings, schema, regex, migration
    case startupRequest = "startup-request"
    case logScan = "log-scan", knownIssues = "known-issues"

    static let selected: Target = {
        let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
        guard let target = Target(rawValue: name) else {
            fail("FUZZ_TARGET=\"\(name)\" is not a target; use one of: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return target
    }()
}

/// A broken property is a crash: libFuzzer keeps the input that broke it.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fuzz-inputs: \(message)\n".utf8))
    abort()
}

func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

// The test-vector keys (docs/test-vectors): committed, so the seeds the harness signs verify
// against the same keyring as the test vectors, and licenses get through every policy.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
func repositoryFile(_ path: String) -> [UInt8] {
    // SafeFile, not FileManager.contents: LeakSanitizer reports a buffer of the latter as lost.
    do { return try SafeFile.read(repository.appendingPathComponent(path).path) } catch { fail("\(error)") }
}
let keyring: Keyring = {
    do { return try Keyring(jsonBytes: repositoryFile("docs/test-vectors/keyring.jwks"), source: "keyring.jwks") } catch { fail("\(error)") }
}()
let signingKid = "test-vector-ed25519"
let signingKey: PrivateSigningKey = {
    let text = String(decoding: repositoryFile("docs/test-vectors/keys/test-vector-ed25519.pem"), as: UTF8.self)
    do { return try PrivateKeyFile.parse(text, source: "test-vector-ed25519.pem") } catch { fail("\(error)") }
}()
// The instant, product and PBX of the test vectors' manifest: valid licenses pass every policy.
let testVectorInstant: Int64 = 1_811_808_000  // 2027-06-01T00:00:00Z
let verifier = LicenseVerifier(keyring: keyring)
let context = VerificationContext(
    now: testVectorInstant, product: "datev-connector", pbxFactors: [PBXFactor(kind: "instance-id", value: "SF-4711")],
    activeUsers: 5, state: VerifierState(highWaterMark: testVectorInstant - 86_400, revocationSequence: 3))

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let target = Target.selected
    // Made before the first input: allocations made while an input runs and never freed are
    // reported as leaks, and these live as long as the process.
    _ = (keyring, signingKey, verifier, context, LogScanProperties.scanners)
    if target == .startupRequest { StartupRequestFuzz.prepare() }
    if let directory = ProcessInfo.processInfo.environment["FUZZ_SEEDS"] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (name, bytes) in try Seeds.make(for: target) {
                try Data(bytes).write(to: URL(fileURLWithPath: directory).appendingPathComponent("seed-\(name)"))
            }
        } catch {
            fail("cannot write the seeds for \(target.rawValue) to \(directory): \(error)")
        }
    }
    return 0
}

/// Each reader gets the bytes; none may crash, hang or trap. Errors are the expected outcome
/// for almost all inputs. The text readers also hold properties checked here.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch Target.selected {
    case .license:
        _ = try? verifier.verify(bytes, in: context)
        _ = try? LicenseInspector.inspect(bytes)
    case .keyring:
        _ = try? Keyring(jsonBytes: bytes, source: "fuzz")
    case .revocations:
        _ = try? RevocationListVerifier(keyring: keyring).verify(bytes, state: nil)
    case .endorsement:
        _ = try? KeyEndorsementVerifier(keyring: keyring).extend(with: [("fuzz", bytes)])
    case .checkpoint:
        _ = try? LedgerCheckpointVerifier(keyring: keyring).verify(bytes, source: "fuzz")
    case .catalog:
        if let catalog = try? ReleaseCatalog(jsonBytes: bytes, source: "fuzz") {
            _ = CompatibilityMatrix(catalog: catalog)
        }
        _ = try? SignedCatalog.verify(bytes, keyring: keyring, source: "fuzz")
    case .json:
        JSONProperties.check(bytes)
    case .base64url:
        _ = Base64URL.decode(bytes)
    case .csv:
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? CSV.rows(text)
        _ = try? OrderSheet(csv: text, source: "fuzz", now: 0, products: .builtIn)
    case .csvField:
        CSVFieldProperties.check(String(decoding: bytes, as: UTF8.self))
    case .pem:
        _ = try? PrivateKeyFile.parse(String(decoding: bytes, as: UTF8.self), passphrase: Array("x".utf8), source: "fuzz")
    case .version:
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? VersionRange(text)
        _ = try? Version(text)
    case .time:
        let text = String(decoding: bytes, as: UTF8.self)
        _ = UTCTimestamp.parse(text)
        _ = CivilDate(text)
    case .terminalText:
        TerminalTextProperties.check(String(decoding: bytes, as: UTF8.self))
    case .settings:
        SettingsProperties.check(bytes)
    case .schema:
        if let schema = try? JSONSchema(bytes, source: "fuzz") {
            _ = schema.validate(settingsInstance)
        }
    case .regex:
        RegexProperties.check(bytes)
    case .migration:
        _ = try? Migration(jsonBytes: bytes, source: "fuzz")
    case .startupRequest:
        StartupRequestFuzz.check(bytes)
    case .logScan:
        LogScanProperties.check(bytes)
    case .knownIssues:
        KnownIssuesProperties.check(bytes)
    }
    return 0
}

/// What must reach a terminal escaped, written out here rather than taken from TerminalText,
/// so the property does not trust the code it checks: C0 but tab, DEL, C1.
func isTerminalControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 && scalar != "\t" || (0x7F...0x9F).contains(scalar.value)
}

enum TerminalTextProperties {
    static func check(_ text: String) {
        let line = TerminalText.line(text)
        require(!line.unicodeScalars.contains(where: isTerminalControl), "TerminalText.line left a control in \(line.debugDescription)")
        let lines = TerminalText.lines(text)
        require(!lines.unicodeScalars.contains { isTerminalControl($0) && $0 != "\n" }, "TerminalText.lines left a control in \(lines.debugDescription)")
        // Line feeds stay line feeds, and no escape adds one: a value never gains a line.
        require(lines.unicodeScalars.filter { $0 == "\n" }.count == text.unicodeScalars.filter { $0 == "\n" }.count,
                "TerminalText.lines changed the number of lines of \(text.debugDescription)")
        let joined = TerminalText.joined([text, text])
        require(joined.unicodeScalars.filter { $0 == "\n" }.count == 1, "TerminalText.joined let a value add a line: \(joined.debugDescription)")
        // Text without controls passes unchanged.
        if !text.unicodeScalars.contains(where: isTerminalControl) {
            require(line == text, "TerminalText.line changed \(text.debugDescription), which has no control")
        }
        // JSON for a terminal: no raw control byte, and the same value.
        let json = TerminalText.json(JSONWriter.compact(.object(["value": .string(text)])))
        require(!String(decoding: json, as: UTF8.self).unicodeScalars.contains(where: isTerminalControl),
                "TerminalText.json left a control in \(String(decoding: json, as: UTF8.self).debugDescription)")
        require((try? JSONParser.parse(json)) == .object(["value": .string(text)]), "TerminalText.json changed the value \(text.debugDescription)")
    }
}

enum CSVFieldProperties {
    static let formulaLeads: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    static let delimiters: Set<Unicode.Scalar> = [",", ";", "\t", "\"", "\r", "\n"]

    /// A cell written for a spreadsheet never starts a formula, whatever the delimiter, and
    /// reads back as the text (with the `'` that neutralises a formula lead).
    static func check(_ value: String) {
        let cell = CSVField.text(value)
        let quoted = value.unicodeScalars.contains(where: delimiters.contains)
        require(cell.unicodeScalars.first == "\"" || !quoted, "CSVField.text left \(value.debugDescription) unquoted: \(cell.debugDescription)")
        let content = cell.unicodeScalars.first == "\"" ? cell.unicodeScalars.dropFirst() : cell.unicodeScalars[...]
        if let lead = content.first {
            require(!formulaLeads.contains(lead), "CSVField.text let \(value.debugDescription) start a formula: \(cell.debugDescription)")
        }
        // The reader drops a leading byte order mark and an empty row: those values do not round-trip.
        guard !value.isEmpty, value.unicodeScalars.first != "\u{FEFF}", let first = value.unicodeScalars.first else { return }
        let expected = formulaLeads.contains(first) ? "'" + value : value
        // Read with a second column, so a separator guessed from the cell cannot split it.
        let rows = try? CSV.rows(cell + ",x")
        require(rows == [[expected, "x"]], "CSVField.text(\(value.debugDescription)) = \(cell.debugDescription) reads back as \(String(describing: rows))")
    }
}

enum JSONProperties {
    /// Whatever parses, written again, parses to the same value.
    static func check(_ bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes) else { return }
        let written = JSONWriter.compact(value)
        require((try? JSONParser.parse(written)) == value, "JSON \(String(decoding: bytes, as: UTF8.self).debugDescription) written as \(String(decoding: written, as: UTF8.self).debugDescription) reads back differently")
    }
}

/// Valid inputs for a target, signed with the test-vector key.
enum Seeds {
    static func make(for target: Target) throws -> [(String, [UInt8])] {
        switch target {
        case .license:
            let directory = repository.appendingPathComponent("docs/test-vectors").path
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".lic") }.sorted()
                .map { ($0, repositoryFile("docs/test-vectors/\($0)")) }
        case .keyring:
            return [("keyring.jwks", repositoryFile("docs/test-vectors/keyring.jwks"))]
        case .revocations:
            let claims = RevocationListClaims(iss: "fuzz", iat: testVectorInstant, seq: 4, revoked: [RevocationEntry(jti: "CTI-00000001", revokedAt: testVectorInstant, reason: "refund")])
            return [("revocations.txt", Array(try RevocationListFormat.sign(claims, key: signingKey, kid: signingKid).utf8))]
        case .endorsement:
            let endorsed = JWK(kid: "fuzz-endorsed", key: PrivateSigningKey.generate(.es256).publicKey)
            return [("endorsement.txt", Array(try KeyEndorsementFormat.sign(endorsed, by: signingKey, kid: signingKid, now: testVectorInstant).utf8))]
        case .checkpoint:
            let payload = JSONObjectWriter.write { claims in
                claims.member("iss", "fuzz")
                claims.member("iat", testVectorInstant)
                claims.member("audit_rows", Int64(12))
                claims.member("head", String(repeating: "ab", count: 32))
                claims.member("licenses", Int64(3))
                claims.member("last_serial", "CTI-00000003")
            }
            let compact = try CompactJWS.sign(payload: payload, type: LedgerCheckpointFormat.type, kid: signingKid, key: signingKey)
            return [("checkpoint.txt", Array(LedgerCheckpointFormat.armor.write(ArmoredText(compact: compact, comments: ["Comment: a seed"])).utf8))]
        case .catalog:
            let json = repositoryFile("config-schemas/datev-connector/releases.json")
            return [("releases.json", json), ("releases.signed", Array(try SignedCatalog.sign(catalogJSON: json, source: "releases.json", key: signingKey, kid: signingKid).utf8))]
        case .json:
            return [("keyring.jwks", repositoryFile("docs/test-vectors/keyring.jwks")), ("manifest.json", repositoryFile("docs/test-vectors/manifest.json"))]
        case .base64url:
            return [("base64url", Array("eyJhbGciOiJFZERTQSJ9".utf8))]
        case .csv, .csvField:
            return [("orders.csv", Array("order_id,customer_id,product,seats\nA,K,datev-connector,5\n\"B;1\",\"=K\",crm-groupware,7\r\n".utf8))]
        case .pem:
            return [("ed25519.pem", repositoryFile("docs/test-vectors/keys/test-vector-ed25519.pem")),
                    ("es256.pem", repositoryFile("docs/test-vectors/keys/test-vector-es256.pem"))]
        case .version:
            return [("range", Array(">=1.2.0 <2.0.0".utf8)), ("version", Array("10.0.1-beta.2".utf8))]
        case .time:
            return [("timestamp", Array("2027-06-01T00:00:00Z".utf8)), ("date", Array("2028-02-29".utf8))]
        case .terminalText:
            return [("title", Array("Müller GmbH\u{1B}]0;VALID\u{07}\u{1B}[2K\r\u{9B}31m\nline\u{7F}".utf8))]
        case .settings:
            let fixtures = repository.appendingPathComponent("Tests/ClientConfigTests/Fixtures").path
            return try FileManager.default.contentsOfDirectory(atPath: fixtures).sorted()
                .map { ($0, repositoryFile("Tests/ClientConfigTests/Fixtures/\($0)")) }
        case .schema:
            return ["2.0", "2.3.7.3", "2.6"].map { ("\($0).schema.json", repositoryFile("config-schemas/datev-connector/\($0).schema.json")) }
        case .regex:
            return RegexProperties.seeds
        case .migration:
            let directory = repository.appendingPathComponent("config-schemas/datev-connector/migrations").path
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
                .map { ($0, repositoryFile("config-schemas/datev-connector/migrations/\($0)")) }
        case .startupRequest:
            return StartupRequestFuzz.seeds()
        case .logScan:
            return LogScanProperties.seeds
        case .knownIssues:
            return ["datev-connector", "crm-groupware", "connector365-cti"].map { ("\($0).json", repositoryFile("config-schemas/\($0)/known-issues.json")) }
        }
    }
}

/// A pattern (the input's first line) and a text (the rest) through JSONSchema's own regex
/// engine: whatever the pattern, loading refuses it or compiles it, and matching ends (the
/// fuzzer's timeout catches a blow-up) with the same answer every time.
enum RegexProperties {
    static func check(_ bytes: [UInt8]) {
        let input = String(decoding: bytes, as: UTF8.self)
        let parts = input.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let pattern = String(parts[0]), text = parts.count > 1 ? String(parts[1]) : ""
        guard let schema = try? JSONSchema(document: .object(["type": .string("string"), "pattern": .string(pattern)]), source: "fuzz") else { return }
        let first = schema.validate(.string(text)).isValid
        require(schema.validate(.string(text)).isValid == first, "the pattern \(pattern.debugDescription) answered differently for the same text \(text.debugDescription)")
        _ = schema.validate(.string(text + text))
    }

    /// The shipped schemas' patterns with texts they match, and constructs of every kind.
    static let seeds: [(String, [UInt8])] = [
        "^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$\n5222",
        "^[ \\t\\r\\n]*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])[ \\t\\r\\n]*$\n True ",
        "^[^\\u0000-\\u001F\\u007F-\\u009F]+$\nstarface.kanzlei.local",
        "(^|/)\\.\\.?(/|$)\na/../b",
        "^(?:(?=a)\\w+|\\p{Lu}*?)\\b[^\\d\\s]{2,5}$\nAbc Def",
        "(a+)+$\naaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
        "\\p{L}\\P{Nd}\\u{1F432}.\\B\n\u{E9}x\u{1F432}\u{2028}",
    ].enumerated().map { ("seed-\($0.offset)", Array($0.element.utf8)) }
}

/// The settings of a 2.6 user, for the schema target to validate against whatever it loads.
let settingsInstance: JSONValue = .object([
    "StarfaceHost": .string("starface.kanzlei.local"), "XmppPort": .string("5222"), "UseTapiLine": .string("True"),
    "CloseAfterCall": .string("Nein"),
])

/// A settings file that reads must survive an edit: setting a value and setting it back gives
/// the original bytes (the editor's promise), whatever the file looked like.
enum SettingsProperties {
    static func check(_ bytes: [UInt8]) {
        guard let file = try? SettingsFile(bytes: bytes, source: "fuzz"), let setting = file.settings.first else { return }
        guard let edited = try? file.applying([.set(section: setting.section, name: setting.name, value: "x&<y>\"z")]) else { return }
        guard let reverted = try? edited.applying([.set(section: setting.section, name: setting.name, value: setting.value)]) else {
            fail("a value set could not be set back in \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
        require(edited.settings.first { $0.section == setting.section && $0.name == setting.name }?.value == "x&<y>\"z",
                "a value set does not read back in \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        _ = reverted
    }
}

/// A log scan finds the same whatever the chunk size (a signature or a UTF-16 pair cut by a
/// chunk boundary is still found), and its buffers stay within the chunk and the line limit.
enum LogScanProperties {
    static let knownIssues: KnownIssues = {
        do { return try KnownIssues(jsonBytes: repositoryFile("config-schemas/datev-connector/known-issues.json"), source: "known-issues.json") } catch { fail("\(error)") }
    }()
    static let scanners = [16, 46, 1 << 20].map { LogScanner(knownIssues: knownIssues, options: LogScanOptions(chunkSize: $0, lineLimit: 300, entryLineLimit: 4)) }

    static func check(_ bytes: [UInt8]) {
        let reports = scanners.map { $0.scan(bytes: bytes, name: "fuzz.log", modified: 1_600_000_000) }
        for (scanner, report) in zip(scanners, reports) {
            require(report.findings == reports[2].findings, "chunk \(scanner.options.chunkSize) finds \(report.findings.map(\.issue.code)), one chunk \(reports[2].findings.map(\.issue.code))")
            require(report.peakBufferBytes <= scanner.options.bufferLimit,
                    "chunk \(scanner.options.chunkSize) held \(report.peakBufferBytes) bytes")
            require(report.findings.allSatisfy { $0.count >= 1 }, "a finding without an entry")
        }
    }

    static var seeds: [(String, [UInt8])] {
        let text = """
            2019-09-13 10:15:42,123 [7] ERROR Keine Verbindung möglich\r
            13.09.2019 10:15:43 System.Runtime.InteropServices.COMException (0x800401FB): OLE_E_NOTRUNNING
               bei TAPI3Lib.TAPIClass.Initialize() 😀
            2019-09-13T10:15:44+02:00 Im Datenserver ist ein Ausnahmefehler aufgetreten. bei Datev.Sdd.Data.ClinetPlugin.ServerAccessBase
            Registering Buddy failed: 262631

            """
        let utf16LE = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let utf16BE = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        return [
            ("utf8.log", Array(text.utf8)), ("utf8-bom.log", [0xEF, 0xBB, 0xBF] + Array(text.utf8)), ("utf16le.log", [0xFF, 0xFE] + utf16LE),
            ("utf16be.log", [0xFE, 0xFF] + utf16BE), ("utf16le-nobom.log", utf16LE),
            ("cp1252.log", text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }),
        ]
    }
}

/// Whatever known-issues file loads, the first signature of each issue, written in one line,
/// is found as that issue.
enum KnownIssuesProperties {
    static func check(_ bytes: [UInt8]) {
        guard let issues = try? KnownIssues(jsonBytes: bytes, source: "fuzz") else { return }
        let scanner = LogScanner(knownIssues: issues, options: LogScanOptions(chunkSize: 64))
        for issue in issues.issues {
            guard let signature = issue.signatures.first else { fail("\(issue.code) has no signature") }
            let line = "2020-01-01 00:00:00 " + signature.parts.joined(separator: " ") + "\n"
            let found = scanner.scan(bytes: Array(line.utf8), name: "fuzz.log", modified: 0).findings.map(\.issue.code)
            require(found.contains(issue.code), "\(issue.code): \(line.debugDescription) is not found (found \(found))")
        }
    }
}
