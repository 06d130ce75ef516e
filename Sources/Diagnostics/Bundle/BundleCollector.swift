import CTICore
import ClientConfig
import Foundation
import Licensing

/// Builds a bundle's entries in two passes. First every name the inputs know is learned (the
/// command line's PBX, Windows profile folders, each config's hosts, users and secrets, the
/// license's customer and PBX), so a name is replaced even in a log line no pattern would
/// catch. Then each file is redacted, in a fixed order: the same inputs give the same bundle.
struct BundleCollector {
    let bundle: SupportBundle
    let redactor: Redactor
    private var entries: [Collected] = []
    private var leftOut: [LeftOutFile] = []
    private var configs: [String: SettingsFile] = [:]
    private var unreadableConfigs: [String: String] = [:]

    init(bundle: SupportBundle) {
        self.bundle = bundle
        redactor = Redactor(keep: bundle.policy.releaseVersions)
    }

    static let manifestSchema = "ctictl.support-bundle/1"

    consuming func collect() -> BundleContents {
        learn()
        add("report/report.txt", kind: "report") { Array(redactor.redact(bundle.renderedText).utf8) }
        add("report/report.json", kind: "report") { redactor.redact(bundle.renderedJSON) }
        add("report/report.html", kind: "report") {
            Array(HTMLReport(report: bundle.report, german: bundle.german, transform: redactor.redact).render().utf8)
        }
        for source in bundle.files where source.kind == .config { addConfig(source) }
        addLogs(bundle.files.filter { $0.kind == .log })
        for source in bundle.files where source.kind == .license { addLicense(source) }
        let manifest = BundleEntry(name: "manifest.json", bytes: manifestJSON())
        return BundleContents(entries: [manifest] + entries.map(\.entry), leftOut: leftOut, pseudonyms: redactor.table)
    }

    // MARK: Pass 1: names the inputs know

    private mutating func learn() {
        for known in bundle.knownValues {
            if known.kind == .host { redactor.learnHost(known.value) } else { redactor.learn(known.kind, known.value) }
        }
        for source in bundle.files { learnProfileNames(in: source.name) }
        for source in bundle.files where source.kind == .config {
            do {
                let file = try SettingsFile(contentsOf: source.path)
                configs[source.path] = file
                for setting in file.settings { learn(setting, raw: file.bytes) }
            } catch {
                unreadableConfigs[source.path] = error.message
            }
        }
        for source in bundle.files where source.kind == .license {
            guard let license = try? LicenseInspector.inspect(SafeFile.read(source.path)), let claims = license.claims else { continue }
            redactor.learn(.customerID, claims.sub)
            if let name = claims.cti.customerName { redactor.learn(.customer, name) }
            for factor in claims.cti.pbx?.factors ?? [] { learn(factor) }
        }
    }

    /// `…/Users/<name>/…`: a Windows profile folder's name is a user name.
    private func learnProfileNames(in name: String) {
        let parts = name.split(separator: "/")
        for (index, part) in parts.enumerated().dropLast() where part.lowercased() == "users" {
            let user = String(parts[index + 1])
            if !Redactor.systemProfiles.contains(user.lowercased()) { redactor.learn(.user, user) }
        }
    }

    private func learn(_ setting: Setting, raw: [UInt8]) {
        let value = setting.value.trimmingWhitespace
        guard !value.isEmpty else { return }
        switch bundle.policy.role(ofSetting: setting.name) {
        case .secret:
            redactor.learnSecret(setting.value)
            if let range = setting.valueContentRange { redactor.learnSecret(String(decoding: raw[range], as: UTF8.self)) }
        case .host:
            if Self.isName(value) { redactor.learnHost(value) }
        case .user:
            if Self.isName(value) { redactor.learn(.user, value) }
        case .other:
            break
        }
    }

    /// Whether a value may be replaced wherever it occurs: not a yes/no, not one or two
    /// characters (a short value is replaced only where its setting holds it).
    private static func isName(_ value: String) -> Bool {
        value.count >= 3 && !["true", "false"].contains(value.lowercased())
    }

    private func learn(_ factor: PBXFactor) {
        switch factor.kind {
        case PBXFactor.hostname: redactor.learnHost(factor.value)
        case PBXFactor.mac: redactor.learn(.mac, factor.value)
        default: redactor.learn(.pbx, factor.value)
        }
    }

    // MARK: Pass 2: the files

    /// An entry with the redactions made in it, for the manifest.
    private struct Collected {
        let entry: BundleEntry
        let kind: String
        let replaced: Int
        let removed: Int
        let note: String?
    }

    private mutating func add(_ name: String, kind: String, note: String? = nil, _ make: () -> [UInt8]) {
        let item = collected(name, kind: kind, note: note, make)
        entries.append(item)
    }

    /// - Parameter since: the redaction counts before the content was made, when it was made
    ///   before this call (a log is read before it is known whether it fits).
    private func collected(_ name: String, kind: String, note: String?, since: (Int, Int)? = nil, _ make: () -> [UInt8]) -> Collected {
        let (replaced, removed) = since ?? (redactor.replaced, redactor.removed)
        let bytes = make()
        let entryName = unique(BundleSource.safeName(redactor.redact(name)))
        return Collected(entry: BundleEntry(name: entryName, bytes: bytes), kind: kind, replaced: redactor.replaced - replaced, removed: redactor.removed - removed, note: note)
    }

    /// Two sources whose names redact alike (`Users/anna` and `Users/Anna`) stay two entries.
    private func unique(_ name: String) -> String {
        var candidate = name
        var counter = 2
        while entries.contains(where: { $0.entry.name == candidate }) {
            candidate = name + "-\(counter)"
            counter += 1
        }
        return candidate
    }

    /// The reason names the file by its name in the bundle: its path may name anyone.
    private mutating func leaveOut(_ source: BundleSource, _ reason: String) {
        let name = BundleSource.safeName(redactor.redact(source.name))
        let reason = redactor.redact(reason.replacingOccurrences(of: source.path, with: source.name))
        leftOut.append(LeftOutFile(name: name, kind: source.kind.rawValue, reason: reason))
    }

    private mutating func addConfig(_ source: BundleSource) {
        guard let file = configs[source.path] else {
            let why = unreadableConfigs[source.path] ?? "it could not be read"
            leaveOut(source, "not readable as a settings file (\(why)), so its secrets cannot be told apart: left out")
            return
        }
        let item = collected(source.name, kind: "config", note: nil) { redacted(file) }
        entries.append(item)
    }

    /// The settings file with secret values removed and host and user values replaced where
    /// they stand (whatever their length), then redacted as text.
    private func redacted(_ file: SettingsFile) -> [UInt8] {
        var bytes = file.bytes
        // Values replaced from the last to the first, so the earlier ranges stay right.
        for setting in file.settings.reversed() {
            guard let range = setting.valueContentRange, !setting.value.trimmingWhitespace.isEmpty else { continue }
            let value = setting.value.trimmingWhitespace
            let replacement: String
            switch bundle.policy.role(ofSetting: setting.name) {
            case .secret:
                redactor.noteRemoved()
                replacement = "[redacted]"
            case .host:
                guard value.lowercased() != "localhost", IPAddressText.v4(Array(value.utf8))?.isKept != true else { continue }
                let redacted = redactor.redact(value)
                replacement = redacted != value ? redacted : redactor.pseudonym(.host, value)
            case .user:
                replacement = redactor.pseudonym(.user, value)
            case .other:
                continue
            }
            bytes.replaceSubrange(range, with: Array(replacement.utf8))
        }
        return redactor.redact(bytes)
    }

    private mutating func addLogs(_ sources: [BundleSource]) {
        struct Log {
            let source: BundleSource
            let size: Int64
            let modified: Date
        }
        var logs: [Log] = []
        for source in sources {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: source.path) else {
                leaveOut(source, "could not be read")
                continue
            }
            logs.append(Log(
                source: source, size: (attributes[.size] as? NSNumber)?.int64Value ?? 0, modified: attributes[.modificationDate] as? Date ?? .distantPast))
        }
        logs.sort { ($0.modified, $1.source.name) > ($1.modified, $0.source.name) }
        var remaining = bundle.logLimit
        let smallest: Int64 = 16 * 1024
        for log in logs {
            guard remaining >= min(log.size, smallest) else {
                leaveOut(log.source, "the size cap for logs (\(bundle.logLimit) bytes) was reached by newer logs")
                continue
            }
            let excerpt: LogExcerpt
            let before = (redactor.replaced, redactor.removed)
            do {
                excerpt = try LogExcerpt.read(log.source.path, limit: remaining, redactor: redactor)
            } catch {
                leaveOut(log.source, "could not be read (\(error.localizedDescription))")
                continue
            }
            remaining -= excerpt.taken
            var notes: [String] = []
            if excerpt.skipped > 0 { notes.append("the newest \(excerpt.taken) of \(excerpt.size) bytes (older lines beyond the size cap for logs left out)") }
            if excerpt.encoding != "UTF-8" { notes.append("converted from \(excerpt.encoding) to UTF-8") }
            let item = collected(log.source.name, kind: "log", note: notes.isEmpty ? nil : notes.joined(separator: "; "), since: before) { excerpt.bytes }
            entries.append(item)
        }
    }

    private mutating func addLicense(_ source: BundleSource) {
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(source.path)
        } catch {
            leaveOut(source, "could not be read (\(error.message))")
            return
        }
        if Redactor.contains(bytes, "PRIVATE KEY") {
            leaveOut(source, "it holds a private key; keys are never collected")
            return
        }
        guard let license = try? LicenseInspector.inspect(bytes) else {
            leaveOut(source, "not a license file, so it cannot be told apart from a key or a secret: left out")
            return
        }
        let item = collected(source.name + "-claims.json", kind: "license", note: "the claims only: the signature, the comment lines and any key are never collected") {
            claimsJSON(license)
        }
        entries.append(item)
    }

    private func claimsJSON(_ license: UnverifiedLicense) -> [UInt8] {
        var members: [String: JSONValue] = [
            "schema": .string("ctictl.bundle-license/1"),
            "verified": .bool(false),
            "note": .string("What the license claims, not verified, with customer and PBX names replaced by pseudonyms."),
        ]
        if let header = try? JSONValueEncoder.encode(license.header) { members["header"] = header }
        if let claims = license.claims, let encoded = try? JSONValueEncoder.encode(pseudonymized(claims)) { members["claims"] = encoded }
        if let error = license.claimsError { members["claimsError"] = .string(error) }
        return redactor.redact(JSONWriter.pretty(.object(members)))
    }

    /// The claims with customer and PBX values replaced, before the text pass sees them (a
    /// name JSON escapes would not be found in the text).
    private func pseudonymized(_ claims: LicenseClaims) -> LicenseClaims {
        var claims = claims
        claims.sub = redactor.pseudonym(.customerID, claims.sub)
        claims.cti.customerName = claims.cti.customerName.map { redactor.pseudonym(.customer, $0) }
        if let binding = claims.cti.pbx {
            let factors = binding.factors.map { factor in
                let kind: PseudonymKind = factor.kind == PBXFactor.hostname ? .host : factor.kind == PBXFactor.mac ? .mac : .pbx
                let value = kind == .mac ? factor.value.normalizedMAC : factor.value
                return PBXFactor(kind: factor.kind, value: kind == .host ? redactor.redact(value) : redactor.pseudonym(kind, value))
            }
            claims.cti.pbx = PBXBinding(factors: factors, required: binding.required)
        }
        return claims
    }

    // MARK: The manifest

    private func manifestJSON() -> [UInt8] {
        var counts: [String: JSONValue] = [:]
        for (kind, count) in redactor.table.counts { counts[kind.rawValue] = .number(Double(count)) }
        var members: [String: JSONValue] = [
            "schema": .string(Self.manifestSchema),
            "product": .string(redactor.redact(bundle.report.product)),
            "checkedAt": .string(UTCTimestamp.format(bundle.report.checkedAt)),
            "entries": .array(entries.map { item in
                var entry: [String: JSONValue] = [
                    "name": .string(item.entry.name), "kind": .string(item.kind), "bytes": .number(Double(item.entry.bytes.count)),
                    "pseudonyms": .number(Double(item.replaced)), "removed": .number(Double(item.removed)),
                ]
                if let note = item.note { entry["note"] = .string(note) }
                return .object(entry)
            }),
            "leftOut": .array(leftOut.map { .object(["name": .string($0.name), "kind": .string($0.kind), "reason": .string($0.reason)]) }),
            "pseudonyms": .object(counts),
            "limits": .object(["logBytes": .number(Double(bundle.logLimit))]),
            "redaction": .string(
                "Secrets removed; host names, addresses, user names, phone numbers, MAC addresses, customer and PBX ids replaced by pseudonyms (kind-number), the same value by the same pseudonym in every file. The mapping stays with whoever made the bundle; it is not in it."),
        ]
        if let note = bundle.policy.note { members["notes"] = .array([.string(redactor.redact(note))]) }
        return JSONWriter.pretty(.object(members))
    }
}
