import CTICore
import Foundation
import ZIPFoundation

/// What `ctictl doctor --bundle OUT.zip` packs: the report (as the caller rendered it as text
/// and JSON, and as an HTML page rendered here), the configs, the newest logs up to a cap
/// and the license's claims, all redacted with one pseudonym table, and a manifest of what
/// was collected, redacted or left out (docs/doctor.md, "The support bundle").
public struct SupportBundle: Sendable {
    /// A value the command line names (the PBX's host, id or MAC), replaced wherever it occurs.
    public struct KnownValue: Sendable, Equatable {
        public let kind: PseudonymKind
        public let value: String

        public init(_ kind: PseudonymKind, _ value: String) {
            self.kind = kind
            self.value = value
        }
    }

    public var report: DoctorReport
    public var renderedText: String
    public var renderedJSON: [UInt8]
    public var files: [BundleSource]
    public var policy: RedactionPolicy
    public var knownValues: [KnownValue]
    /// The HTML page's language.
    public var german: Bool
    /// At most this many bytes of logs, the newest first.
    public var logLimit: Int64

    public static let defaultLogLimit: Int64 = 8 << 20

    public init(
        report: DoctorReport, renderedText: String, renderedJSON: [UInt8], files: [BundleSource], policy: RedactionPolicy = RedactionPolicy(),
        knownValues: [KnownValue] = [], german: Bool = false, logLimit: Int64 = defaultLogLimit
    ) {
        self.report = report
        self.renderedText = renderedText
        self.renderedJSON = renderedJSON
        self.files = files
        self.policy = policy
        self.knownValues = knownValues
        self.german = german
        self.logLimit = logLimit
    }

    /// The bundle of a doctor run: the files it looked at (`BundleSource.collect`), the
    /// product's secret settings and versions, and the PBX named on the command line.
    public init(report: DoctorReport, renderedText: String, renderedJSON: [UInt8], context: DoctorContext, german: Bool = false) {
        let members = context.startup.members
        var known: [KnownValue] = []
        if let host = members["pbxHostname"]?.stringValue { known.append(KnownValue(.host, host)) }
        if let id = members["pbxId"]?.stringValue { known.append(KnownValue(.pbx, id)) }
        if let mac = members["pbxMac"]?.stringValue { known.append(KnownValue(.mac, mac)) }
        self.init(
            report: report, renderedText: renderedText, renderedJSON: renderedJSON, files: BundleSource.collect(from: context),
            policy: .load(product: context.product, configSchemas: context.configSchemas), knownValues: known, german: german)
    }

    /// The entries of the bundle (`manifest.json` first), what was left out, and the
    /// pseudonyms used.
    public func contents() -> BundleContents {
        BundleCollector(bundle: self).collect()
    }

    /// Writes the bundle to `path` and the pseudonym mapping beside it (`OUT.mapping.json`,
    /// mode 0600), each atomically; an existing file is replaced only with `replacing`.
    public func write(to path: String, replacing: Bool = false) throws(CTIFailure) -> WrittenBundle {
        let mappingPath = Self.mappingPath(for: path)
        if !replacing {
            for existing in [path, mappingPath] where SafeFile.exists(existing) {
                throw CTIFailure(
                    .doctorBundleExists, "\(existing) already exists; choose another name for the bundle or remove the file",
                    german: "\(existing) gibt es schon; wählen Sie einen anderen Namen für das Paket oder entfernen Sie die Datei")
            }
        }
        let contents = contents()
        let zip = try Self.zip(contents.entries, modified: Date(timeIntervalSince1970: TimeInterval(report.checkedAt)), path: path)
        do {
            try SafeFile.write(zip, to: path, mode: 0o600, exclusive: !replacing)
        } catch {
            throw CTIFailure(error)
        }
        do {
            try SafeFile.write(contents.pseudonyms.mappingJSON(bundle: SafeFile.fileName(of: path)), to: mappingPath, mode: 0o600, exclusive: !replacing)
        } catch {
            // A bundle without its mapping could never be read back: it goes too.
            try? FileManager.default.removeItem(atPath: path)
            throw error.rephrased("\(error.message); the bundle was not kept")
        }
        return WrittenBundle(path: path, mappingPath: mappingPath, entries: contents.entries.map(\.name), leftOut: contents.leftOut.count)
    }

    /// `OUT.zip` keeps its mapping in `OUT.mapping.json`.
    public static func mappingPath(for path: String) -> String {
        (path.hasSuffix(".zip") ? String(path.dropLast(4)) : path) + ".mapping.json"
    }

    private static func zip(_ entries: [BundleEntry], modified: Date, path: String) throws(CTIFailure) -> [UInt8] {
        do {
            let archive = try Archive(accessMode: .create)
            for entry in entries {
                let data = Data(entry.bytes)
                try archive.addEntry(
                    with: entry.name, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified, permissions: 0o644,
                    compressionMethod: .deflate
                ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
            }
            guard let data = archive.data else { throw CTIFailure(.doctorBundleFailed, "\(path): the ZIP archive could not be made in memory") }
            return [UInt8](data)
        } catch let error as CTIFailure {
            throw error
        } catch {
            throw CTIFailure(.doctorBundleFailed, "\(path): the ZIP archive could not be made (\(error)); nothing was written")
        }
    }
}

/// One file in the bundle.
public struct BundleEntry: Sendable, Equatable {
    public let name: String
    public let bytes: [UInt8]
}

/// A file that was not put into the bundle, and why.
public struct LeftOutFile: Sendable, Equatable {
    /// Its name as it would have been, redacted.
    public let name: String
    public let kind: String
    public let reason: String
}

public struct BundleContents: Sendable {
    public let entries: [BundleEntry]
    public let leftOut: [LeftOutFile]
    public let pseudonyms: PseudonymTable
}

/// What `write` did: where the bundle and its mapping are.
public struct WrittenBundle: Sendable, Equatable {
    public let path: String
    public let mappingPath: String
    public let entries: [String]
    public let leftOut: Int

    /// The line to print: the mapping's path is told, as it is the only way back to the names.
    public var line: LocalizedText {
        LocalizedText(
            en: "support bundle: \(path) (\(entries.count) files, \(leftOut) left out: see manifest.json); pseudonym mapping kept in \(mappingPath) — never send it",
            de: "Support-Paket: \(path) (\(entries.count) Dateien, \(leftOut) ausgelassen: siehe manifest.json); Zuordnung der Pseudonyme in \(mappingPath) — niemals mitschicken")
    }
}

extension ErrorCode {
    public static let doctorBundleExists = ErrorCode("doctor.bundle-exists", .usage)
    public static let doctorBundleFailed = ErrorCode("doctor.bundle-failed", .internal)
}
