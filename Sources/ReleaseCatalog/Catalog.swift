import CTICore

/// What the release notes require when upgrading to a release.
public enum UpgradeStep: String, Sendable, Codable, CaseIterable {
    case uninstallFirst = "uninstall-first"
    case reboot
    case reconfigurePerUser = "reconfigure-per-user"
    case settingsKept = "settings-kept"
}

/// One row of a product's download table.
public struct Release: Sendable, Equatable {
    /// The product version; nil where the table gives none (see `zipVersion`).
    public let version: Version?
    /// The version the download's file name states, when it differs or stands alone.
    public let zipVersion: Version?
    public let module: Int?
    public let date: CivilDate
    public let sourceDate: String
    public let zip: String?
    public let testedPBX: VersionRange?
    public let testedDATEV: VersionRange?
    public let changelog: [LocalizedText]
    public let upgradeSteps: [UpgradeStep]
    public let upgradeNotes: [String]
    public let configSchema: String?
    /// The changelog entry that says this release restores compatibility with the PBX
    /// versions it is tested with (`restoresCompatibility` in the catalog), if any.
    public let restoresCompatibility: LocalizedText?

    /// How people name the row: its version, or the zip's when the table has none.
    public var label: String { labelText.en }

    public var labelText: LocalizedText {
        if let version { return LocalizedText(en: version.description, de: version.description) }
        if let zipVersion { return LocalizedText(en: "(\(zipVersion) zip, no product version)", de: "(Zip \(zipVersion), keine Produktversion)") }
        return LocalizedText(en: "(no version)", de: "(keine Version)")
    }
}

/// A compatibility fact that overrides testing: this client does not work with this PBX.
public struct KnownIncompatibility: Sendable, Equatable {
    public let client: VersionRange
    public let pbx: VersionRange
    public let source: String
    public let quote: String?
    public let summary: String
}

/// A product's release catalog (`config-schemas/<product>/releases.json`).
public struct ReleaseCatalog: Sendable {
    public let product: String
    public let name: String
    public let pbxName: String
    public let notes: [String]
    public let releases: [Release]
    public let incompatibilities: [KnownIncompatibility]

    /// Reads a catalog; every error names the source, the JSON path and what is wrong.
    public init(jsonBytes: [UInt8], source: String) throws {
        func fail(_ path: String, _ reason: String) -> CTIFailure {
            CTIFailure(.catalogMalformed, "\(source): \(path) \(reason)")
        }
        do {
            let root = try JSONObjectReader(try JSONRead.value(jsonBytes))
            func version(_ reader: JSONObjectReader, _ member: String) throws -> Version? {
                guard let text = try reader.optionalString(member) else { return nil }
                do { return try Version(text) } catch { throw fail("\(reader.path).\(member)", "is not a version: \(error.message)") }
            }
            func range(_ reader: JSONObjectReader, _ member: String) throws -> VersionRange? {
                guard let text = try reader.optionalString(member) else { return nil }
                do { return try VersionRange(text) } catch { throw fail("\(reader.path).\(member)", "is not a version range: \(error.message)") }
            }
            product = try root.string("product")
            name = try root.string("name")
            pbxName = try root.optionalString("pbx") ?? "PBX"
            notes = try root.optionalStringArray("notes") ?? []
            releases = try root.objectArray("releases").map { row in
                let dateText = try row.string("date")
                guard let date = CivilDate(dateText) else { throw fail("\(row.path).date", "\"\(dateText)\" is not a date YYYY-MM-DD") }
                let upgrade = try row.object("upgrade")
                let steps = try (upgrade.optionalStringArray("steps") ?? []).map { text in
                    guard let step = UpgradeStep(rawValue: text) else {
                        throw fail("\(upgrade.path).steps", "has unknown step \"\(text)\" (known: \(UpgradeStep.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    return step
                }
                var restoresCompatibility: LocalizedText?
                let changelog = try (row.members["changelog"].map { _ in try row.objectArray("changelog") } ?? []).map { entry in
                    let text = LocalizedText(en: try entry.string("en"), de: try entry.string("de"))
                    switch entry.members["restoresCompatibility"] {
                    case nil, .bool(false)?: break
                    case .bool(true)?:
                        guard row.contains("testedPBX") else {
                            throw fail("\(entry.path).restoresCompatibility", "needs \(row.path).testedPBX: the versions compatibility is restored for")
                        }
                        restoresCompatibility = text
                    default: throw fail("\(entry.path).restoresCompatibility", "must be true or false")
                    }
                    return text
                }
                let release = Release(
                    version: try version(row, "version"), zipVersion: try version(row, "zipVersion"),
                    module: try row.optionalInteger("module").map { Int($0) }, date: date, sourceDate: try row.optionalString("sourceDate") ?? dateText,
                    zip: try row.optionalString("zip"), testedPBX: try range(row, "testedPBX"), testedDATEV: try range(row, "testedDATEV"),
                    changelog: changelog, upgradeSteps: steps, upgradeNotes: try upgrade.optionalStringArray("notes") ?? [],
                    configSchema: try row.optionalString("configSchema"), restoresCompatibility: restoresCompatibility)
                if release.version == nil && release.zipVersion == nil { throw fail("\(row.path)", "has neither version nor zipVersion") }
                return release
            }
            incompatibilities = try root.objectArray("incompatibilities").map { rule in
                guard let client = try range(rule, "client"), let pbx = try range(rule, "pbx") else { throw fail(rule.path, "needs client and pbx") }
                return KnownIncompatibility(
                    client: client, pbx: pbx, source: try rule.string("source"), quote: try rule.optionalString("quote"),
                    summary: try rule.optionalString("en") ?? "\(client) is known not to work with \(try root.optionalString("pbx") ?? "PBX") \(pbx)")
            }
        } catch let failure as JSONReadFailure {
            throw CTIFailure(.catalogMalformed, "\(source): the catalog \(failure)")
        } catch let error as JSONObjectReader.Failure {
            // Members are read one by one here (versions and ranges need their own messages).
            throw fail(error.path, error.reason)
        }
    }

    /// The largest catalog file read.
    public static let fileLimit: Int64 = 8 << 20

    /// `DIR/<product>/releases.json`.
    public static func load(product: String, from directory: String) throws -> ReleaseCatalog {
        let path = try CatalogDirectory.productFolder(product, in: directory) + "/releases.json"
        guard SafeFile.exists(path) else {
            let known = CatalogDirectory.products(in: directory).joined(separator: ", ")
            throw CTIFailure(.catalogUnknownProduct, "\(path): no release catalog for product \"\(product)\"; the products of \(directory) are: \(known.isEmpty ? "none" : known)")
        }
        return try ReleaseCatalog(jsonBytes: try SafeFile.read(path, limit: fileLimit), source: path)
    }

    /// The releases that have a product version, oldest version first.
    public var versionedReleases: [Release] {
        releases.filter { $0.version != nil }.sorted { $0.version! < $1.version! }
    }

    public func release(_ version: Version) -> Release? {
        releases.first { $0.version == version }
    }

    /// The release `version`, or a usage error that lists the releases there are.
    public func requireRelease(_ version: Version) throws -> Release {
        guard let release = release(version) else {
            let known = versionedReleases.map { $0.version!.description }.joined(separator: ", ")
            throw CTIFailure(.compatUnknownRelease, "\(version) is not a release of \(product) (releases: \(known.isEmpty ? "none" : known))")
        }
        return release
    }
}
