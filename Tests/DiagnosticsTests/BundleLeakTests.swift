import CTICore
import Diagnostics
import Foundation
import Licensing
import Signing
import StartupCheckRunner
import Testing
import ZIPFoundation

/// The leak test of the support bundle: canary secrets and names planted in configs, logs,
/// file names, the license and the report are absent from every byte of the bundle, as
/// stored and unpacked; every pseudonym means one value in every file.
@Suite struct BundleLeakTests {
    /// What must never be in the bundle, however it is spelt there.
    static let canaries = [
        "CanaryPassw0rd!", "canarylogin4711", "pbx-canary-host.kanzlei-canary.de", "kanzlei-canary", "10.99.88.77", "203.0.113.77",
        "fe80::1234:5678:9abc:def0", "2001:db8:cafe::77", "+49 89 7654321", "0049 89 7654321", "7654321", "0171 2233445", "2233445",
        "CanaryLogPass99", "CanaryUserFolderXq7", "Canary Müller", "Müller", "ctictl-bundle-", "Kanzlei Canary Steuerberatung", "CANARY-CUST-991", "canary-instance-7",
        "00:1A:2B:CA:FE:01", "00-1A-2B-CA-FE-01", "192.168.77.88", "99887766", "Pw9x", "FakeCanaryKeyMaterial", "OldCanaryCaller",
        "Özdemir",
    ]

    let folder: TemporaryDirectory
    let root: String

    init() throws {
        folder = try TemporaryDirectory("ctictl-bundle")
        root = folder.path("root")
    }

    // MARK: The planted tree

    private func write(_ path: String, _ text: String, modified: TimeInterval) throws {
        try write(path, Array(text.utf8), modified: modified)
    }

    private func write(_ path: String, _ bytes: [UInt8], modified: TimeInterval) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: modified)], ofItemAtPath: path)
    }

    private static func userConfig(host: String, login: String, password: String) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>\r
        <configuration>\r
          <userSettings>\r
            <DatevConnector.Properties.Settings>\r
              <setting name="StarfaceHost" serializeAs="String"><value>\(host)</value></setting>\r
              <setting name="XmppPort" serializeAs="String"><value>5222</value></setting>\r
              <setting name="LoginId" serializeAs="String"><value>\(login)</value></setting>\r
              <setting name="Password" serializeAs="String"><value>\(password)</value></setting>\r
              <setting name="UseTapiLine" serializeAs="String"><value>True</value></setting>\r
            </DatevConnector.Properties.Settings>\r
          </userSettings>\r
        </configuration>\r

        """
    }

    static let mainLog = """
        2026-11-26 04:36:02,123 INFO Verbinde mit pbx-canary-host.kanzlei-canary.de:5222 (10.99.88.77) als canarylogin4711\r
        2026-11-26 04:36:03,000 INFO Anruf von +49 89 7654321 an 0171 2233445, Rückruf 0049 89 7654321\r
        2026-11-26 04:36:04,000 WARN Login password=CanaryLogPass99 abgelehnt: Zugangsdaten nicht korrekt\r
        2026-11-26 04:36:05,000 INFO Settings: C:\\Users\\CanaryUserFolderXq7\\AppData\\Roaming\\DatevConnector\\user.config\r
        2026-11-26 04:36:06,000 ERROR Registering Buddy failed: 262631\r
        2026-11-26 04:36:07,000 INFO XMPP canarylogin4711@pbx-canary-host.kanzlei-canary.de/DatevConnector\r
        2026-11-26 04:36:08,000 INFO Route über 203.0.113.77, fe80::1234:5678:9abc:def0 und 2001:db8:cafe::77\r
        2026-11-26 04:36:09,000 INFO DatevConnector Version 2.3.7.3 gestartet, Benutzer CanaryUserFolderXq7, lokal 127.0.0.1\r
        2026-11-26 04:36:10,000 INFO Lizenz für Kanzlei Canary Steuerberatung (CANARY-CUST-991) auf canary-instance-7 / 00-1A-2B-CA-FE-01\r

        """

    /// Plants the tree and returns the bundle of a doctor run over it.
    private func plantedBundle(logLimit: Int64 = 40_000) async throws -> SupportBundle {
        let anna = root + "/Users/CanaryUserFolderXq7/AppData/Roaming/DatevConnector"
        let mueller = root + "/Users/Canary Müller/AppData/Roaming/DatevConnector"
        // A name with a capital umlaut, in a log in capitals and in one in Windows-1252.
        let oezdemir = root + "/Users/Özdemir/AppData/Roaming/DatevConnector"
        try write(oezdemir + "/user.config", Self.userConfig(host: "192.168.77.88", login: "43", password: "Pw9x"), modified: 1_000)
        try write(oezdemir + "/logs/Telefonie.log", "2026-11-26 04:36:02,123 INFO Anmeldung ÖZDEMIR\r\n", modified: 5_000)
        try write(oezdemir + "/logs/Telefonie-cp1252.log", [UInt8]("2026-11-26 04:35:02,123 INFO Anruf für Özdemir\r\n".data(using: .windowsCP1252)!), modified: 4_500)
        try write(anna + "/user.config", Self.userConfig(host: "pbx-canary-host.kanzlei-canary.de", login: "canarylogin4711", password: "CanaryPassw0rd!"), modified: 1_000)
        try write(mueller + "/user.config", Self.userConfig(host: "192.168.77.88", login: "42", password: "Pw9x"), modified: 1_000)
        try write(anna + "/logs/DatevConnector.log", Self.mainLog, modified: 5_000)
        // UTF-16LE with a byte order mark, named after a login.
        let utf16 = "Fehler für Benutzer Canary Müller an 089/99887766 über 192.168.77.88\r\nZugangsdaten nicht korrekt\r\n"
        try write(mueller + "/logs/trace-canarylogin4711.log", [0xFF, 0xFE] + utf16.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, modified: 4_000)
        // Older and larger than the cap: only its newest lines go in. The oldest log is left
        // out whole, with a name no rule could find.
        var old = ""
        for index in 0..<2_000 { old += "2026-11-25 10:00:\(index % 60) INFO Anruf von +49 89 7654321 an 0171 2233445 Nr. \(index)\r\n" }
        try write(anna + "/logs/DatevConnector.1.log", old, modified: 3_000)
        try write(anna + "/logs/DatevConnector.2.log", "OldCanaryCaller 10.99.88.77\r\n", modified: 2_000)
        // A settings file that cannot be read is left out whole.
        try write(folder.path("broken.user.config"), "<configuration><userSettings><setting name=\"Password\"><value>CanaryPassw0rd!", modified: 1_000)
        try write(folder.path("license.txt"), try Self.license(), modified: 1_000)
        try write(folder.path("signing.pem"), "-----BEGIN PRIVATE KEY-----\nFakeCanaryKeyMaterial\n-----END PRIVATE KEY-----\n", modified: 1_000)

        var startup = StartupInvocation()
        try startup.set("license", .string(folder.path("license.txt")), source: "test")
        try startup.set("pbxHostname", .string("pbx-canary-host.kanzlei-canary.de"), source: "test")
        let context = DoctorContext(
            product: "datev-connector", startup: startup, profileRoot: root, configFiles: [folder.path("broken.user.config")],
            configSchemas: Self.configSchemas, now: 1_764_131_762)
        let report = await Doctor(checks: Self.checks).run(in: context)
        var bundle = SupportBundle(report: report, renderedText: Self.text(report), renderedJSON: Self.json(report), context: context)
        bundle.files.append(BundleSource(kind: .license, path: folder.path("signing.pem"), name: "keys/signing.pem"))
        bundle.logLimit = logLimit
        return bundle
    }

    static let configSchemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config-schemas").path

    static func license() throws -> [UInt8] {
        let pbx = PBXBinding(factors: [
            PBXFactor(kind: PBXFactor.hostname, value: "pbx-canary-host.kanzlei-canary.de"), PBXFactor(kind: PBXFactor.mac, value: "00:1A:2B:CA:FE:01"),
            PBXFactor(kind: PBXFactor.instanceID, value: "canary-instance-7"),
        ], required: 2)
        let request = LicenseRequest(
            customerID: "CANARY-CUST-991", customerName: "Kanzlei Canary Steuerberatung", product: "datev-connector", features: ["call-notes"], seats: 5, pbx: pbx)
        let issuer = LicenseIssuer(key: .generate(.eddsa), kid: "test-key")
        return try issuer.sign(try request.claims(serial: "CTI-00000042", issuedAt: 1_764_000_000)).textBytes
    }

    static let checks: [any DiagnosticCheck] = [
        FixedCheck(name: "license.valid", group: .license, outcome: CheckOutcome(findings: [])),
        FixedCheck(name: "config.tapi-line", group: .config, outcome: CheckOutcome(findings: [
            .error("config.tapi-line-enabled", en: #"UseTapiLine is True in C:\Users\CanaryUserFolderXq7\AppData\Roaming\DatevConnector\user.config"#,
                   de: "UseTapiLine ist True", fixEN: "set it to False for canarylogin4711", fixDE: "auf False setzen"),
        ])),
        FixedCheck(name: "pbx.address", group: .pbx, outcome: CheckOutcome(findings: [
            .warning("pbx.public-address", en: "pbx-canary-host.kanzlei-canary.de is the public address 203.0.113.77", de: "öffentliche Adresse",
                     fixEN: "enter the LAN address 10.99.88.77 instead", fixDE: "LAN-Adresse eintragen"),
        ])),
        FixedCheck(name: "logs.known-issues", group: .logs, outcome: .notRun(en: #"no logs in C:\Users\Canary Müller"#, de: "keine Protokolle")),
    ]

    /// Stand-ins for the doctor's text and JSON renderings: every message, as those carry them.
    static func text(_ report: DoctorReport) -> String {
        report.results.map { result in
            ([result.name + ": " + result.status.rawValue] + result.findings.map { "  " + $0.message.en + " — " + ($0.fix?.en ?? "") }
                + [result.reason?.en].compactMap { $0 }).joined(separator: "\n")
        }.joined(separator: "\n") + "\n"
    }

    static func json(_ report: DoctorReport) -> [UInt8] {
        JSONWriter.pretty(.array(report.results.map { result in
            .object(["name": .string(result.name), "messages": .array(result.findings.map { .string($0.message.en) } + [result.reason.map { .string($0.en) } ?? .null])])
        }))
    }

    // MARK: Reading the bundle back

    static func entries(of zip: String) throws -> [(name: String, bytes: [UInt8])] {
        let archive = try Archive(url: URL(fileURLWithPath: zip), accessMode: .read)
        return try archive.map { entry in
            var bytes: [UInt8] = []
            _ = try archive.extract(entry) { bytes += $0 }
            return (entry.path, bytes)
        }
    }

    /// Whether `haystack` holds `needle` in any case and any spelling: UTF-8 (composed and
    /// decomposed) or Windows-1252, as written, lowercase or uppercase.
    private static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let asciiLower = { (bytes: [UInt8]) in bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } }
        let lower = asciiLower(haystack)
        var spellings: [[UInt8]] = []
        for variant in [needle, needle.lowercased(), needle.uppercased()] {
            spellings += [Array(variant.utf8), Array(variant.decomposedStringWithCanonicalMapping.utf8)]
            if let latin = variant.data(using: .windowsCP1252) { spellings.append([UInt8](latin)) }
        }
        return spellings.map(asciiLower).contains { needle in
            lower.count >= needle.count
                && (0...(lower.count - needle.count)).contains { lower[$0] == needle[0] && lower[$0..<$0 + needle.count].elementsEqual(needle) }
        }
    }

    private static func text(_ entries: [(name: String, bytes: [UInt8])], _ name: String) -> String {
        entries.first { $0.name == name }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
    }

    // MARK: The tests

    @Test func noCanaryIsInAnyByteOfTheBundleStoredOrUnpacked() async throws {
        let zip = folder.path("support.zip")
        let written = try await plantedBundle().write(to: zip)
        let stored = [UInt8](try Data(contentsOf: URL(fileURLWithPath: zip)))
        let entries = try Self.entries(of: zip)
        #expect(entries.count == written.entries.count)
        for canary in Self.canaries {
            #expect(!Self.contains(stored, canary), "\(canary) in the stored ZIP")
            for entry in entries {
                #expect(!Self.contains(entry.bytes, canary), "\(canary) in \(entry.name)")
                #expect(!Self.contains(Array(entry.name.utf8), canary), "\(canary) in the name \(entry.name)")
            }
        }
        // The mapping is beside the bundle, private, and nowhere in it.
        #expect(written.mappingPath == folder.path("support.mapping.json"))
        #expect(try SafeFile.mode(of: written.mappingPath) == 0o600)
        #expect(!entries.contains { $0.name.contains("mapping") })
        #expect(written.line.en.contains(written.mappingPath))
    }

    @Test func everyPseudonymMeansOneValueInEveryFile() async throws {
        let zip = folder.path("support.zip")
        let written = try await plantedBundle().write(to: zip)
        let entries = try Self.entries(of: zip)
        let mapping = try JSONParser.parse(SafeFile.read(written.mappingPath))
        guard case .object(let members) = mapping, case .array(let items)? = members["pseudonyms"] else {
            Issue.record("mapping without pseudonyms")
            return
        }
        var pseudonymOf: [String: String] = [:]
        var valueOf: [String: String] = [:]
        for case .object(let item) in items {
            guard case .string(let pseudonym)? = item["pseudonym"], case .string(let value)? = item["value"] else { continue }
            #expect(valueOf[pseudonym] == nil, "\(pseudonym) given twice")
            valueOf[pseudonym] = value
            pseudonymOf[value.lowercased()] = pseudonym
        }
        // One pseudonym per value, whatever the spelling.
        #expect(Set(valueOf.values.map { $0.lowercased() }).count == valueOf.count)
        let host = try #require(pseudonymOf["pbx-canary-host.kanzlei-canary.de"])
        let login = try #require(pseudonymOf["canarylogin4711"])
        let profile = try #require(pseudonymOf["canaryuserfolderxq7"])
        let phone = try #require(pseudonymOf["+49 89 7654321"])
        let config = entries.first { $0.name.hasPrefix("configs/Users/\(profile)/") }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
        let log = Self.text(entries, "logs/Users/\(profile)/AppData/Roaming/DatevConnector/logs/DatevConnector.log")
        #expect(config.contains("<value>\(host)</value>") && config.contains("<value>\(login)</value>") && config.contains("<value>[redacted]</value>"))
        #expect(log.contains("Verbinde mit \(host):5222") && log.contains("als \(login)\r\n") && log.contains("\(login)@\(host)/DatevConnector"))
        #expect(log.contains("Anruf von \(phone) an ") && log.contains("Rückruf \(phone)\r\n"))
        #expect(log.contains(#"C:\Users\\#(profile)\AppData"#) && log.contains("Benutzer \(profile),"))
        for name in ["report/report.txt", "report/report.json", "report/report.html", "license-claims.json"] {
            #expect(Self.text(entries, name).contains(host), "\(host) not in \(name)")
        }
        #expect(Self.text(entries, "report/report.html").contains(login))
        // Every pseudonym in the bundle is one of the mapping's.
        let pattern = try Regex(#"\b(host|user|lan-ip|ip|phone|mac|customer-id|customer|pbx)-[0-9]+\b"#)
        for entry in entries {
            for match in String(decoding: entry.bytes, as: UTF8.self).matches(of: pattern) {
                let pseudonym = String(match.output[0].substring ?? "")
                #expect(valueOf[pseudonym] != nil, "unknown pseudonym \(pseudonym) in \(entry.name)")
            }
        }
    }

    @Test func whatSupportNeedsStaysAndTheManifestSaysWhatWasLeftOut() async throws {
        let zip = folder.path("support.zip")
        _ = try await plantedBundle().write(to: zip)
        let entries = try Self.entries(of: zip)
        #expect(entries.first?.name == "manifest.json")
        let log = entries.first { $0.name.hasSuffix("logs/DatevConnector.log") }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
        for kept in ["Registering Buddy failed: 262631", "Version 2.3.7.3", "Zugangsdaten nicht korrekt", "127.0.0.1", "password=[redacted]", "2026-11-26 04:36:10,000"] {
            #expect(log.contains(kept), "\(kept) was redacted")
        }
        let utf16 = entries.first { $0.name.hasSuffix(".log") && $0.name.contains("trace-") }
        #expect(utf16.map { String(decoding: $0.bytes, as: UTF8.self).hasPrefix("Fehler für Benutzer user-") } == true)

        let manifest = try JSONParser.parse(entries[0].bytes)
        guard case .object(let members) = manifest, case .array(let listed)? = members["entries"], case .array(let leftOut)? = members["leftOut"] else {
            Issue.record("manifest without entries")
            return
        }
        #expect(members["schema"] == .string("ctictl.support-bundle/1"))
        #expect(listed.compactMap { $0.member("name") } == entries.dropFirst().map(\.name))
        let reasons = leftOut.compactMap { item in item.member("name").map { ($0, item.member("reason") ?? "") } }
        #expect(reasons.contains { $0.0 == "configs/broken.user.config" && $0.1.contains("not readable as a settings file") })
        #expect(reasons.contains { $0.0 == "keys/signing.pem" && $0.1.contains("private key") })
        #expect(reasons.contains { $0.0.hasSuffix("DatevConnector.2.log") && $0.1.contains("size cap") })
        let config = listed.first { $0.member("name")?.hasSuffix("user.config") == true }
        #expect(config?.objectMembers["removed"] == .number(1), "the password is counted as removed")
        let mainLog = listed.first { $0.member("name")?.hasSuffix("DatevConnector.log") == true }?.objectMembers
        // 17 values in its lines (see mainLog) and the profile folder in its name.
        #expect(mainLog?["removed"] == .number(1) && mainLog?["pseudonyms"] == .number(18))
        let truncated = listed.first { $0.member("name")?.hasSuffix("DatevConnector.1.log") == true }
        #expect(truncated?.member("note")?.contains("older lines beyond the size cap") == true)
        #expect(listed.first { $0.member("name")?.contains("trace-") == true }?.member("note") == "converted from UTF-16LE to UTF-8")
        let claims = Self.text(entries, "license-claims.json")
        #expect(claims.contains("\"jti\" : \"CTI-00000042\"") && claims.contains("customer-1") && !claims.contains("BEGIN CTI LICENSE"))
    }

    @Test func aHugeLogCostsOnlyItsNewestLines() async throws {
        // 4 GiB, sparse: reading it whole would take long and all memory; only the tail is read.
        let log = folder.path("logs/huge.log")
        try FileManager.default.createDirectory(atPath: folder.path("logs"), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: log, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.truncate(atOffset: 4 << 30)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\nlast line from 10.99.88.77\n".utf8))
        try handle.close()
        let report = await Doctor(checks: Self.checks).run(in: DoctorContext(product: "datev-connector", configSchemas: Self.configSchemas, now: 0))
        let bundle = SupportBundle(
            report: report, renderedText: "", renderedJSON: [], files: [BundleSource(kind: .log, path: log, name: "logs/huge.log")], logLimit: 64 * 1024)
        let started = Date()
        let entries = bundle.contents().entries
        #expect(Date().timeIntervalSince(started) < 10)
        let excerpt = try #require(entries.first { $0.name == "logs/huge.log" })
        // The window's first line is cut: it is left out, not shown half.
        #expect(String(decoding: excerpt.bytes, as: UTF8.self) == "last line from lan-ip-1\n")
        #expect(String(decoding: entries[0].bytes, as: UTF8.self).contains("the newest 65536 of 4294967324 bytes"))
    }

    @Test func aSymbolicLinkInTheProfileTreeBringsNothingIntoTheBundle() async throws {
        // A copied tree is untrusted: a "log" that is a link to a secret file, and a log folder
        // that is a link, are not followed (the log check lists folders the same way).
        let logs = root + "/Users/anna/AppData/Roaming/DatevConnector/logs"
        try write(logs + "/DatevConnector.log", "2026-11-26 04:36:06,000 ERROR Registering Buddy failed: 262631\r\n", modified: 5_000)
        try write(folder.path("secret.txt"), "CanaryLinkedSecret\n", modified: 1_000)
        try FileManager.default.createSymbolicLink(atPath: logs + "/linked.log", withDestinationPath: folder.path("secret.txt"))
        let ben = root + "/Users/ben/AppData/Roaming/DatevConnector"
        try FileManager.default.createDirectory(atPath: ben, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: ben + "/logs", withDestinationPath: folder.path(""))
        let context = DoctorContext(product: "datev-connector", profileRoot: root, configSchemas: Self.configSchemas, now: 1_764_131_762)
        let sources = BundleSource.collect(from: context)
        #expect(sources.map(\.path) == [logs + "/DatevConnector.log"])
        let report = await Doctor(checks: Self.checks).run(in: context)
        let entries = SupportBundle(report: report, renderedText: "", renderedJSON: [], context: context).contents().entries
        #expect(!entries.contains { String(decoding: $0.bytes, as: UTF8.self).contains("CanaryLinkedSecret") })
    }

    @Test func anExistingFileIsReplacedOnlyWhenAsked() async throws {
        let bundle = try await plantedBundle()
        let zip = folder.path("support.zip")
        _ = try bundle.write(to: zip)
        let first = try SafeFile.read(zip, limit: 1 << 24)
        #expect(throws: CTIFailure(
            .doctorBundleExists, "\(zip) already exists; choose another name for the bundle or remove the file",
            german: "\(zip) gibt es schon; wählen Sie einen anderen Namen für das Paket oder entfernen Sie die Datei")) {
            try bundle.write(to: zip)
        }
        #expect(try SafeFile.read(zip, limit: 1 << 24) == first)
        // The same inputs give the same bundle.
        _ = try bundle.write(to: zip, replacing: true)
        #expect(try SafeFile.read(zip, limit: 1 << 24) == first)
    }
}

extension JSONValue {
    fileprivate var objectMembers: [String: JSONValue] {
        guard case .object(let members) = self else { return [:] }
        return members
    }

    fileprivate func member(_ name: String) -> String? {
        guard case .object(let members) = self, case .string(let value)? = members[name] else { return nil }
        return value
    }
}
