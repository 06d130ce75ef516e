import CTICore

/// The answer to "does this client work with that PBX (and DATEV)?".
public struct CompatibilityVerdict: Sendable, Encodable {
    public enum Verdict: String, Sendable, Encodable {
        case supported
        case untested
        /// Outside the tested range, and a later release's changelog restores compatibility
        /// with the PBX versions it is tested with: the installed release is expected not to work.
        case fixedInLaterRelease = "fixed-in-later-release"
        case incompatible

        /// 0 supported; 2 untested or fixed in a later release (warnings: the client may
        /// start); 1 incompatible.
        public var exitStatus: Int32 {
            switch self {
            case .supported: return 0
            case .untested, .fixedInLaterRelease: return 2
            case .incompatible: return 1
            }
        }

        var word: LocalizedText {
            switch self {
            case .supported: return LocalizedText(en: "SUPPORTED", de: "UNTERSTÜTZT")
            case .untested: return LocalizedText(en: "UNTESTED", de: "UNGETESTET")
            case .fixedInLaterRelease: return LocalizedText(en: "FIXED IN A LATER RELEASE", de: "IN EINER SPÄTEREN VERSION BEHOBEN")
            case .incompatible: return LocalizedText(en: "INCOMPATIBLE", de: "INKOMPATIBEL")
            }
        }
    }

    public let verdict: Verdict
    /// The catalog row or rule that decided (English; `headline` has both languages).
    public let decidedBy: String
    /// The verdict in one line: what was checked and what decided.
    public let headline: LocalizedText
    /// Why, in words, in both languages.
    public let evidence: [LocalizedText]
    /// What to install instead, newest first, when the verdict is not `supported`: the
    /// releases tested with the given PBX (and DATEV), or the release that restores
    /// compatibility.
    public let suggestions: [String]
    /// `suggestions` in words (nil when supported).
    public let suggestion: LocalizedText?

    /// The text output: headline, evidence, suggestion; every line in the chosen language.
    public func lines(_ language: KeyPath<LocalizedText, String>) -> [String] {
        [headline[keyPath: language]] + (evidence + (suggestion.map { [$0] } ?? [])).map { "  " + $0[keyPath: language] }
    }
}

public struct CompatibilityChecker: Sendable {
    public let catalog: ReleaseCatalog

    public init(catalog: ReleaseCatalog) {
        self.catalog = catalog
    }

    public func check(client: Version, module: Int? = nil, pbx: Version, datev: Version? = nil) throws -> CompatibilityVerdict {
        let release = try catalog.requireRelease(client)
        let pbxName = catalog.pbxName
        let tested = supportedReleases(pbx: pbx, datev: datev).map { $0.version!.description }
        let against = LocalizedText(
            en: "\(pbxName) \(pbx)" + (datev.map { " and DATEV Arbeitsplatz \($0)" } ?? ""),
            de: "\(pbxName) \(pbx)" + (datev.map { " und DATEV Arbeitsplatz \($0)" } ?? ""))
        let testedSuggestion = tested.isEmpty
            ? LocalizedText(en: "No release is tested with \(against.en).", de: "Keine Version ist mit \(against.de) getestet.")
            : LocalizedText(en: "Suggested: \(tested.joined(separator: ", ")) (tested with \(against.en)).",
                            de: "Empfohlen: \(tested.joined(separator: ", ")) (mit \(against.de) getestet).")
        func answer(_ verdict: CompatibilityVerdict.Verdict, decidedBy: LocalizedText, evidence: [LocalizedText], suggestions: [String], suggestion: LocalizedText) -> CompatibilityVerdict {
            let headline = LocalizedText(
                en: "\(verdict.word.en): \(catalog.product) \(client) with \(against.en) (decided by \(decidedBy.en))",
                de: "\(verdict.word.de): \(catalog.product) \(client) mit \(against.de) (entschieden durch \(decidedBy.de))")
            return CompatibilityVerdict(
                verdict: verdict, decidedBy: decidedBy.en, headline: headline, evidence: evidence,
                suggestions: verdict == .supported ? [] : suggestions, suggestion: verdict == .supported ? nil : suggestion)
        }

        if let rule = catalog.incompatibilities.first(where: { $0.client.contains(client) && $0.pbx.contains(pbx) }) {
            var evidence = [LocalizedText(en: "\(client) is known not to work with \(pbxName) \(rule.pbx) (\(rule.source)).",
                                          de: "\(client) funktioniert bekanntermaßen nicht mit \(pbxName) \(rule.pbx) (\(rule.source)).")]
            if let quote = rule.quote { evidence.append(LocalizedText(en: "\(rule.source): “\(quote)”", de: "\(rule.source): „\(quote)“")) }
            return answer(
                .incompatible,
                decidedBy: LocalizedText(en: "incompatibility \(rule.client) × \(pbxName) \(rule.pbx)", de: "Unverträglichkeit \(rule.client) × \(pbxName) \(rule.pbx)"),
                evidence: evidence, suggestions: tested, suggestion: testedSuggestion)
        }

        var evidence: [LocalizedText] = []
        var untested = false
        var restoring: Release?
        let outsideTested = release.testedPBX.map {
            LocalizedText(en: "\(pbxName) \(pbx) is outside \($0) tested for \(client).", de: "\(pbxName) \(pbx) liegt außerhalb des für \(client) getesteten Bereichs \($0).")
        } ?? LocalizedText(en: "No \(pbxName) version is listed as tested for \(client).", de: "Für \(client) ist keine getestete \(pbxName)-Version angegeben.")
        if let range = release.testedPBX, range.contains(pbx) {
            evidence.append(LocalizedText(en: "\(pbxName) \(pbx) is within \(range) tested for \(client).", de: "\(pbxName) \(pbx) liegt im für \(client) getesteten Bereich \(range)."))
        } else if let fix = laterRelease(restoringCompatibilityWith: pbx, after: client), let quote = fix.restoresCompatibility, let fixRange = fix.testedPBX {
            restoring = fix
            let fixVersion = fix.version!
            evidence.append(outsideTested)
            evidence.append(LocalizedText(
                en: "\(fixVersion) restores compatibility with \(pbxName) \(fixRange), the versions it is tested with; its changelog: “\(quote.de)” (\(quote.en)).",
                de: "\(fixVersion) stellt die Kompatibilität mit \(pbxName) \(fixRange) wieder her, den dafür getesteten Versionen; Changelog: „\(quote.de)“."))
        } else {
            untested = true
            evidence.append(outsideTested)
        }
        if let datev {
            if let range = release.testedDATEV {
                if range.contains(datev) {
                    evidence.append(LocalizedText(en: "DATEV Arbeitsplatz \(datev) is among \(range) tested for \(client).", de: "DATEV Arbeitsplatz \(datev) gehört zu den für \(client) getesteten Versionen \(range)."))
                } else {
                    untested = true
                    evidence.append(LocalizedText(en: "DATEV Arbeitsplatz \(datev) is not among \(range) tested for \(client).", de: "DATEV Arbeitsplatz \(datev) gehört nicht zu den für \(client) getesteten Versionen \(range)."))
                }
            } else {
                untested = true
                evidence.append(LocalizedText(en: "No DATEV Arbeitsplatz version is listed as tested for \(client).", de: "Für \(client) ist keine getestete DATEV-Arbeitsplatz-Version angegeben."))
            }
        }
        if let module, let expected = release.module, module != expected {
            untested = true
            let owners = catalog.versionedReleases.filter { $0.module == module }.map { $0.version!.description }.joined(separator: ", ")
            evidence.append(LocalizedText(
                en: "Module \(module) is not the module of \(client) (\(expected))\(owners.isEmpty ? "" : "; module \(module) ships with \(owners)").",
                de: "Modul \(module) gehört nicht zu \(client) (Modul \(expected))\(owners.isEmpty ? "" : "; Modul \(module) gehört zu \(owners)")."))
        }
        if let restoring, let version = restoring.version {
            return answer(
                .fixedInLaterRelease,
                decidedBy: LocalizedText(en: "the changelog of \(version)", de: "den Changelog von \(version)"),
                evidence: evidence, suggestions: [version.description],
                suggestion: LocalizedText(en: "Suggested: \(version), which restores compatibility.", de: "Empfohlen: \(version), das die Kompatibilität wiederherstellt."))
        }
        return answer(
            untested ? .untested : .supported,
            decidedBy: LocalizedText(en: "release \(client) of \(release.sourceDate)", de: "Version \(client) vom \(release.sourceDate)"),
            evidence: evidence, suggestions: tested, suggestion: testedSuggestion)
    }

    /// The first release after `client` whose changelog restores compatibility with PBX
    /// versions that include `pbx` (see `Release.restoresCompatibility`).
    func laterRelease(restoringCompatibilityWith pbx: Version, after client: Version) -> Release? {
        catalog.versionedReleases.first { release in
            release.version! > client && release.restoresCompatibility != nil && release.testedPBX?.contains(pbx) == true
        }
    }

    /// Releases tested with this PBX (and DATEV, if given) and not known incompatible,
    /// newest first.
    public func supportedReleases(pbx: Version, datev: Version? = nil) -> [Release] {
        catalog.versionedReleases.reversed().filter { release in
            guard release.testedPBX?.contains(pbx) == true else { return false }
            if let datev, release.testedDATEV?.contains(datev) != true { return false }
            return !catalog.incompatibilities.contains { $0.client.contains(release.version!) && $0.pbx.contains(pbx) }
        }
    }
}
