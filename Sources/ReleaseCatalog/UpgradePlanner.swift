import CTICore

/// The way from an installed release to one supported with the given PBX (and DATEV), with
/// the steps the release notes of every release on the way require, in order.
public struct UpgradePlan: Sendable, Encodable {
    public struct Step: Sendable, Encodable {
        public let action: LocalizedText
        /// The releases whose notes require this step (empty for the install itself).
        public let requiredBy: [String]
    }

    public let product: String
    public let installed: String
    /// The release to install; nil when no release is supported with this PBX/DATEV.
    public let target: String?
    public let summary: LocalizedText
    public let steps: [Step]
    /// Informational notes from the release notes (for example "settings are kept").
    public let notes: [LocalizedText]
}

public struct UpgradePlanner: Sendable {
    public let catalog: ReleaseCatalog

    public init(catalog: ReleaseCatalog) {
        self.catalog = catalog
    }

    public func plan(from installed: Version, pbx: Version, datev: Version? = nil) throws -> UpgradePlan {
        let current = try catalog.requireRelease(installed)
        let pbxText = "\(catalog.pbxName) \(pbx)" + (datev.map { " and DATEV Arbeitsplatz \($0)" } ?? "")
        let checker = CompatibilityChecker(catalog: catalog)
        guard let target = checker.supportedReleases(pbx: pbx, datev: datev).first, let targetVersion = target.version else {
            let closest = catalog.versionedReleases.filter { $0.testedPBX?.contains(pbx) == true }.map { $0.version!.description }
            return UpgradePlan(
                product: catalog.product, installed: installed.description, target: nil,
                summary: LocalizedText(
                    en: "No release of \(catalog.name) is tested with \(pbxText)" + (closest.isEmpty ? "." : "; tested with \(catalog.pbxName) \(pbx) alone: \(closest.joined(separator: ", "))."),
                    de: "Keine Version von \(catalog.name) ist mit \(pbxText) getestet."),
                steps: [], notes: [])
        }
        if targetVersion == installed {
            return UpgradePlan(
                product: catalog.product, installed: installed.description, target: targetVersion.description,
                summary: LocalizedText(en: "\(installed) is the newest release tested with \(pbxText): nothing to do.",
                                       de: "\(installed) ist die neueste mit \(pbxText) getestete Version: nichts zu tun."),
                steps: [], notes: [])
        }
        let upgrading = installed < targetVersion
        // The releases whose notes apply: those after the installed one, up to the target.
        let crossed = catalog.versionedReleases.filter { release in
            let version = release.version!
            return upgrading ? (version > installed && version <= targetVersion) : version == targetVersion
        }
        func requiring(_ step: UpgradeStep) -> [String] { crossed.filter { $0.upgradeSteps.contains(step) }.map { $0.version!.description } }
        var steps: [UpgradePlan.Step] = []
        let uninstall = requiring(.uninstallFirst)
        if !uninstall.isEmpty || !upgrading {
            steps.append(.init(action: LocalizedText(en: "Uninstall the Windows app \(installed).", de: "Deinstallieren Sie die Windows-Anwendung \(installed)."),
                               requiredBy: upgrading ? uninstall : []))
            let reboot = requiring(.reboot)
            if !reboot.isEmpty {
                steps.append(.init(action: LocalizedText(en: "Restart Windows.", de: "Starten Sie Windows neu."), requiredBy: reboot))
            }
        }
        let download = target.zip.map { " (\($0))" } ?? ""
        steps.append(.init(
            action: LocalizedText(en: "Install the Windows app \(targetVersion)\(download) with administrator rights.",
                                  de: "Installieren Sie die Windows-Anwendung \(targetVersion)\(download) mit Administratorrechten."),
            requiredBy: []))
        if let module = target.module, module != current.module {
            steps.append(.init(
                action: LocalizedText(en: "Update the STARFACE module to version \(module).", de: "Aktualisieren Sie das STARFACE-Modul auf Version \(module)."),
                requiredBy: [targetVersion.description]))
        }
        let reconfigure = requiring(.reconfigurePerUser)
        if !reconfigure.isEmpty {
            steps.append(.init(
                action: LocalizedText(en: "Configure the Windows app again for every user.", de: "Konfigurieren Sie die Windows-Anwendung für jeden Benutzer neu."),
                requiredBy: reconfigure))
        } else if let from = current.configSchema, let to = target.configSchema, from != to {
            steps.append(.init(
                action: LocalizedText(
                    en: "Migrate every user's settings from schema \(from) to \(to) (`ctictl config migrate --to \(targetVersion)`).",
                    de: "Überführen Sie die Einstellungen jedes Benutzers von Schema \(from) nach \(to) (`ctictl config migrate --to \(targetVersion)`)."),
                requiredBy: [targetVersion.description]))
        }
        let kept = requiring(.settingsKept)
        let notes = kept.isEmpty ? [] : [LocalizedText(en: "Settings are kept (\(kept.joined(separator: ", "))).", de: "Die Programm-Einstellungen bleiben erhalten (\(kept.joined(separator: ", "))).")]
        let verb = upgrading ? "Upgrade" : "Downgrade"
        return UpgradePlan(
            product: catalog.product, installed: installed.description, target: targetVersion.description,
            summary: LocalizedText(
                en: "\(verb) \(installed) → \(targetVersion), the newest release tested with \(pbxText).",
                de: "\(upgrading ? "Aktualisierung" : "Rückstufung") \(installed) → \(targetVersion), die neueste mit \(pbxText) getestete Version."),
            steps: steps, notes: notes)
    }
}
