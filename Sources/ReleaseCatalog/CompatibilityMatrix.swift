import CTICore

/// The whole catalog as a table: one row per release, with what it is tested with and what
/// it is known not to work with.
public struct CompatibilityMatrix: Sendable, Encodable {
    public struct Row: Sendable, Encodable {
        public let release: String
        let releaseText: LocalizedText
        public let module: Int?
        public let date: String
        public let testedPBX: String?
        public let testedDATEV: String?
        public let knownIncompatible: [String]
        public let upgrade: [String]

        enum CodingKeys: String, CodingKey { case release, module, date, testedPBX, testedDATEV, knownIncompatible, upgrade }
    }

    public let product: String
    public let name: String
    public let pbx: String
    public let rows: [Row]

    public init(catalog: ReleaseCatalog) {
        product = catalog.product
        name = catalog.name
        pbx = catalog.pbxName
        // Table order: by version; the row without a version by its date.
        let ordered = catalog.releases.sorted { a, b in
            switch (a.version, b.version) {
            case let (x?, y?): return x < y
            default: return a.date < b.date
            }
        }
        rows = ordered.map { release in
            Row(
                release: release.label, releaseText: release.labelText, module: release.module, date: release.date.description, testedPBX: release.testedPBX?.description,
                testedDATEV: release.testedDATEV?.description,
                knownIncompatible: release.version.map { version in
                    catalog.incompatibilities.filter { $0.client.contains(version) }.map { "\(catalog.pbxName) \($0.pbx)" }
                } ?? [],
                upgrade: release.upgradeSteps.map(\.rawValue))
        }
    }

    func header(_ language: KeyPath<LocalizedText, String>) -> [String] {
        [LocalizedText(en: "Release", de: "Version"), LocalizedText(en: "Module", de: "Modul"), LocalizedText(en: "Date", de: "Datum"),
         LocalizedText(en: "Tested \(pbx)", de: "Getestet \(pbx)"), LocalizedText(en: "Tested DATEV", de: "Getestet DATEV"),
         LocalizedText(en: "Known incompatible", de: "Bekannt inkompatibel"), LocalizedText(en: "Upgrade notes", de: "Upgrade-Hinweise")]
            .map { $0[keyPath: language] }
    }

    func cells(_ language: KeyPath<LocalizedText, String>) -> [[String]] {
        rows.map {
            [$0.releaseText[keyPath: language], $0.module.map(String.init) ?? "-", $0.date, $0.testedPBX ?? "-", $0.testedDATEV ?? "-",
             $0.knownIncompatible.isEmpty ? "-" : $0.knownIncompatible.joined(separator: ", "), $0.upgrade.isEmpty ? "-" : $0.upgrade.joined(separator: ", ")]
        }
    }

    public var markdown: String {
        let escape = { (text: String) -> String in
            var escaped = ""
            for character in text {
                if character == "|" || character == "*" { escaped.append("\\") }
                escaped.append(character)
            }
            return escaped
        }
        let header = header(\.en)
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: header.count)]
        lines += cells(\.en).map { "| " + $0.map(escape).joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table aligned in columns, headers in the chosen language.
    public func text(_ language: KeyPath<LocalizedText, String>) -> String {
        let header = header(language)
        let all = [header] + cells(language)
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}

/// docs/compatibility.md: the matrices of every product of a catalog folder, as one page.
public enum CompatibilityPage {
    public static func render(_ catalogs: [ReleaseCatalog]) -> String {
        var page = """
            # Compatibility

            Which releases of each product are tested with which STARFACE and DATEV Arbeitsplatz
            versions, and which combinations are known not to work. **Generated** from
            `config-schemas/<product>/releases.json` by `ctictl compat matrix --all --format markdown`;
            a test fails when this page and the catalogs disagree. Change the catalog, then
            regenerate: `ctictl compat matrix --all --format markdown > docs/compatibility.md`.

            """
        for catalog in catalogs.sorted(by: { $0.product < $1.product }) {
            page += "\n## \(catalog.name) (`\(catalog.product)`)\n\n"
            if catalog.releases.isEmpty {
                page += "No releases in the catalog yet.\n"
            } else {
                page += CompatibilityMatrix(catalog: catalog).markdown
            }
            for rule in catalog.incompatibilities {
                page += "\n- Known incompatible: \(rule.summary) (\(rule.source)).\n"
            }
            for release in catalog.versionedReleases {
                guard let quote = release.restoresCompatibility, let range = release.testedPBX else { continue }
                page += "\n- \(release.label) restores compatibility with \(catalog.pbxName) \(range) (changelog: „\(quote.de)“): "
                    + "earlier releases are reported as `fixed-in-later-release` there.\n"
            }
            if !catalog.notes.isEmpty { page += "\n" + catalog.notes.map { "- \($0)" }.joined(separator: "\n") + "\n" }
        }
        return page
    }

    /// Every catalog in a folder (`DIR/<product>/releases.json`).
    public static func catalogs(in directory: String) throws -> [ReleaseCatalog] {
        try CatalogDirectory.products(in: directory).map { try ReleaseCatalog.load(product: $0, from: directory) }
    }
}
