import CTICore

/// Reports what is odd in a catalog, as the seed's table has it, without changing anything:
/// a row without product version, dates that go backwards against the versions, a zip name
/// that disagrees with the version, the same zip or version twice.
public enum CatalogLinter {
    public static func lint(_ catalog: ReleaseCatalog) -> [Finding] {
        var findings: [Finding] = []
        for release in catalog.releases where release.version == nil {
            findings.append(.warning(
                "catalog.missing-product-version",
                en: "The row of \(release.sourceDate) (module \(release.module.map(String.init) ?? "-")) has no product version; its download \(release.zip ?? "-") says \(release.zipVersion?.description ?? "nothing").",
                de: "Die Zeile vom \(release.sourceDate) (Modul \(release.module.map(String.init) ?? "-")) hat keine Produktversion; der Download \(release.zip ?? "-") nennt \(release.zipVersion?.description ?? "keine")."))
        }
        // Dates should grow with versions. The rows that keep the longest run of growing
        // dates are taken as right; each other row is reported with the rows it contradicts
        // (the linter says which dates disagree, not which one is wrong).
        let versioned = catalog.versionedReleases
        let inOrder = Self.longestNonDecreasingRun(versioned.map(\.date))
        for (index, release) in versioned.enumerated() where !inOrder.contains(index) {
            let contradicted = versioned.enumerated().filter { other in
                (other.offset < index && other.element.date > release.date) || (other.offset > index && other.element.date < release.date)
            }.map { "\($0.element.label) (\($0.element.sourceDate))" }
            findings.append(.warning(
                "catalog.date-order",
                en: "\(release.label) is dated \(release.sourceDate), out of order with \(contradicted.joined(separator: ", ")): the dates go backwards against the versions; one of them is wrong.",
                de: "\(release.label) ist auf den \(release.sourceDate) datiert, im Widerspruch zu \(contradicted.joined(separator: ", ")): Die Daten laufen gegen die Versionen; eines davon ist falsch."))
        }
        for release in catalog.releases {
            guard let version = release.version, let zip = release.zip, let zipVersion = versionInFileName(zip) else { continue }
            if zipVersion != version {
                findings.append(.warning(
                    "catalog.zip-version-mismatch",
                    en: "\(version) is downloaded as \(zip), which says \(zipVersion).",
                    de: "\(version) wird als \(zip) heruntergeladen, der Dateiname nennt \(zipVersion)."))
            }
        }
        var byVersion: [Version: [Release]] = [:]
        for release in catalog.releases { if let version = release.version { byVersion[version, default: []].append(release) } }
        for (version, rows) in byVersion where rows.count > 1 {
            findings.append(.error("catalog.duplicate-version", en: "\(version) appears \(rows.count) times.", de: "\(version) steht \(rows.count)-mal in der Tabelle."))
        }
        var byZip: [String: [Release]] = [:]
        for release in catalog.releases { if let zip = release.zip { byZip[zip, default: []].append(release) } }
        for (zip, rows) in byZip.sorted(by: { $0.key < $1.key }) where rows.count > 1 {
            findings.append(.warning(
                "catalog.duplicate-zip", en: "\(zip) is the download of several rows: \(rows.map { "\($0.labelText.en) of \($0.sourceDate)" }.joined(separator: ", ")).",
                de: "\(zip) ist der Download mehrerer Zeilen: \(rows.map { "\($0.labelText.de) vom \($0.sourceDate)" }.joined(separator: ", "))."))
        }
        for release in catalog.releases where release.version != nil && release.testedPBX == nil {
            findings.append(.info(
                "catalog.untested-pbx", en: "\(release.label) lists no tested \(catalog.pbxName) version.",
                de: "Für \(release.labelText.de) ist keine getestete \(catalog.pbxName)-Version angegeben."))
        }
        return findings
    }

    /// Indices of a longest non-decreasing subsequence (patience method, O(n log n)).
    static func longestNonDecreasingRun(_ dates: [CivilDate]) -> Set<Int> {
        var tails: [Int] = []  // index of the last element of the best run of each length
        var previous = [Int?](repeating: nil, count: dates.count)
        for index in dates.indices {
            var low = 0
            var high = tails.count
            while low < high {
                let middle = (low + high) / 2
                if dates[tails[middle]] <= dates[index] { low = middle + 1 } else { high = middle }
            }
            previous[index] = low > 0 ? tails[low - 1] : nil
            if low == tails.count { tails.append(index) } else { tails[low] = index }
        }
        var run: Set<Int> = []
        var cursor = tails.last
        while let index = cursor {
            run.insert(index)
            cursor = previous[index]
        }
        return run
    }

    /// The version in a download name like `DATEVConnectorforSTARFACE_2.6.1.zip`.
    static func versionInFileName(_ name: String) -> Version? {
        guard let underscore = name.lastIndex(of: "_"), name.hasSuffix(".zip") else { return nil }
        let text = name[name.index(after: underscore)..<name.index(name.endIndex, offsetBy: -4)]
        return try? Version(String(text))
    }
}
