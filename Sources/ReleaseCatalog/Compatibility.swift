import CTICore

/// The answer to "does this client work with that PBX (and DATEV)?".
public struct CompatibilityVerdict: Sendable, Encodable {
    public enum Verdict: String, Sendable, Encodable {
        case supported, untested, incompatible

        /// 0 supported, 2 untested (the client may start), 1 incompatible.
        public var exitStatus: Int32 { self == .supported ? 0 : (self == .untested ? 2 : 1) }
    }

    public let verdict: Verdict
    /// The catalog row or rule that decided.
    public let decidedBy: String
    /// Why, in words, in both languages.
    public let evidence: [LocalizedText]
    /// Releases tested with the given PBX (and DATEV), newest first, when the verdict is not
    /// `supported`.
    public let suggestions: [String]
}

public struct CompatibilityChecker: Sendable {
    public let catalog: ReleaseCatalog

    public init(catalog: ReleaseCatalog) {
        self.catalog = catalog
    }

    public func check(client: Version, module: Int? = nil, pbx: Version, datev: Version? = nil) throws -> CompatibilityVerdict {
        let release = try catalog.requireRelease(client)
        let pbxName = catalog.pbxName
        let suggestions = supportedReleases(pbx: pbx, datev: datev).map { $0.version!.description }
        if let rule = catalog.incompatibilities.first(where: { $0.client.contains(client) && $0.pbx.contains(pbx) }) {
            var evidence = [LocalizedText(en: "\(client) is known not to work with \(pbxName) \(rule.pbx) (\(rule.source)).",
                                          de: "\(client) funktioniert bekanntermaßen nicht mit \(pbxName) \(rule.pbx) (\(rule.source)).")]
            if let quote = rule.quote { evidence.append(LocalizedText(en: "\(rule.source): “\(quote)”", de: "\(rule.source): „\(quote)“")) }
            return CompatibilityVerdict(verdict: .incompatible, decidedBy: "incompatibility \(rule.client) × \(pbxName) \(rule.pbx)", evidence: evidence, suggestions: suggestions)
        }
        var evidence: [LocalizedText] = []
        var untested = false
        if let tested = release.testedPBX, tested.contains(pbx) {
            evidence.append(LocalizedText(en: "\(pbxName) \(pbx) is within \(tested) tested for \(client).", de: "\(pbxName) \(pbx) liegt im für \(client) getesteten Bereich \(tested)."))
        } else {
            untested = true
            let others = suggestions.isEmpty ? "" : "; \(suggestions.joined(separator: ", ")) \(suggestions.count == 1 ? "is" : "are") tested with \(pbxName) \(pbx)"
            let othersDE = suggestions.isEmpty ? "" : "; mit \(pbxName) \(pbx) getestet: \(suggestions.joined(separator: ", "))"
            if let tested = release.testedPBX {
                let alternatives = catalog.versionedReleases.filter { $0.testedPBX?.contains(pbx) == true }.map { "\($0.version!) is tested with \($0.testedPBX!)" }
                let hint = alternatives.isEmpty ? others : "; " + alternatives.joined(separator: "; ")
                evidence.append(LocalizedText(
                    en: "\(pbxName) \(pbx) is outside \(tested) tested for \(client)\(hint).",
                    de: "\(pbxName) \(pbx) liegt außerhalb des für \(client) getesteten Bereichs \(tested)\(othersDE)."))
            } else {
                evidence.append(LocalizedText(en: "No \(pbxName) version is listed as tested for \(client)\(others).", de: "Für \(client) ist keine getestete \(pbxName)-Version angegeben\(othersDE)."))
            }
        }
        if let datev {
            if let tested = release.testedDATEV {
                if tested.contains(datev) {
                    evidence.append(LocalizedText(en: "DATEV Arbeitsplatz \(datev) is among \(tested) tested for \(client).", de: "DATEV Arbeitsplatz \(datev) gehört zu den für \(client) getesteten Versionen \(tested)."))
                } else {
                    untested = true
                    evidence.append(LocalizedText(en: "DATEV Arbeitsplatz \(datev) is not among \(tested) tested for \(client).", de: "DATEV Arbeitsplatz \(datev) gehört nicht zu den für \(client) getesteten Versionen \(tested)."))
                }
            } else {
                untested = true
                evidence.append(LocalizedText(en: "No DATEV Arbeitsplatz version is listed as tested for \(client).", de: "Für \(client) ist keine getestete DATEV-Arbeitsplatz-Version angegeben."))
            }
        }
        if let module, let expected = release.module, module != expected {
            untested = true
            let owners = catalog.versionedReleases.filter { $0.module == module }.map { $0.version!.description }
            evidence.append(LocalizedText(
                en: "Module \(module) is not the module of \(client) (\(expected))\(owners.isEmpty ? "" : "; module \(module) ships with \(owners.joined(separator: ", ")))").",
                de: "Modul \(module) gehört nicht zu \(client) (Modul \(expected))."))
        }
        return CompatibilityVerdict(
            verdict: untested ? .untested : .supported, decidedBy: "release \(client) of \(release.sourceDate)", evidence: evidence,
            suggestions: untested ? suggestions : [])
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
