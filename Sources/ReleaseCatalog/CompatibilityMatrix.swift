import CTICore
import Foundation

/// The whole catalog as a table: one row per release, with what it is tested with and what
/// it is known not to work with.
public struct CompatibilityMatrix: Sendable, Encodable {
    public struct Row: Sendable, Encodable {
        public let release: String
        public let module: Int?
        public let date: String
        public let testedPBX: String?
        public let testedDATEV: String?
        public let knownIncompatible: [String]
        public let upgrade: [String]
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
                release: release.label, module: release.module, date: release.date.description, testedPBX: release.testedPBX?.description,
                testedDATEV: release.testedDATEV?.description,
                knownIncompatible: release.version.map { version in
                    catalog.incompatibilities.filter { $0.client.contains(version) }.map { "\(catalog.pbxName) \($0.pbx)" }
                } ?? [],
                upgrade: release.upgradeSteps.map(\.rawValue))
        }
    }

    var header: [String] { ["Release", "Module", "Date", "Tested \(pbx)", "Tested DATEV", "Known incompatible", "Upgrade notes"] }

    var cells: [[String]] {
        rows.map {
            [$0.release, $0.module.map(String.init) ?? "-", $0.date, $0.testedPBX ?? "-", $0.testedDATEV ?? "-",
             $0.knownIncompatible.isEmpty ? "-" : $0.knownIncompatible.joined(separator: ", "), $0.upgrade.isEmpty ? "-" : $0.upgrade.joined(separator: ", ")]
        }
    }

    public var markdown: String {
        let escape = { (text: String) in text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "*", with: "\\*") }
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: header.count)]
        lines += cells.map { "| " + $0.map(escape).joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n"
    }

    public var text: String {
        let all = [header] + cells
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
            if !catalog.notes.isEmpty { page += "\n" + catalog.notes.map { "- \($0)" }.joined(separator: "\n") + "\n" }
        }
        return page
    }

    /// Every catalog in a folder (`DIR/<product>/releases.json`).
    public static func catalogs(in directory: String) throws -> [ReleaseCatalog] {
        let products = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        return try products.filter { SafeFile.exists(directory + "/" + $0 + "/releases.json") }.map { try ReleaseCatalog.load(product: $0, from: directory) }
    }
}
