import CTICore

/// The way from an installed release to one supported with the given PBX (and DATEV), with
/// the steps the release notes of every release on the way require, in order.
public struct UpgradePlan: Sendable, Encodable {
    public struct Step: Sendable, Encodable {
        public let action: LocalizedText
        /// The releases whose notes require this step (empty for the install itself).
        public let requiredBy: [String]
        /// For the settings step: the commands and what they change.
        public let settings: SettingsMigration?

        init(action: LocalizedText, requiredBy: [String], settings: SettingsMigration? = nil) {
            self.action = action
            self.requiredBy = requiredBy
            self.settings = settings
        }

        /// The action with the releases that require it.
        public var text: LocalizedText {
            guard !requiredBy.isEmpty else { return action }
            let releases = requiredBy.joined(separator: ", ")
            return LocalizedText(en: "\(action.en) (required by \(releases))", de: "\(action.de) (verlangt von \(releases))")
        }
    }

    public let product: String
    public let installed: String
    /// The release to install; nil when no release is supported with this PBX/DATEV.
    public let target: String?
    public let summary: LocalizedText
    public let steps: [Step]
    /// Informational notes from the release notes (for example "settings are kept").
    public let notes: [LocalizedText]

    /// The text output: summary, numbered steps, notes; every line in the chosen language.
    public func lines(_ language: KeyPath<LocalizedText, String>) -> [String] {
        let note = LocalizedText(en: "note", de: "Hinweis")[keyPath: language]
        var lines = [summary[keyPath: language]]
        for (index, step) in steps.enumerated() {
            lines.append("  \(index + 1). \(step.text[keyPath: language])")
            if let settings = step.settings {
                lines += settings.lines(language).map { "       " + $0 }
            }
        }
        return lines + notes.map { "  \(note): \($0[keyPath: language])" }
    }
}

/// What every user's settings need on the way between two releases: the commands that migrate
/// them and what changes. ReleaseCatalog knows no settings (ClientConfig, which imports it,
/// holds the migrations), so a `SettingsMigrationAdvisor` describes them and the planner
/// places the step.
public struct SettingsMigration: Sendable, Encodable, Equatable {
    /// The commands, in the order to run them (the dry run first).
    public let commands: [String]
    /// What changes, one text per setting.
    public let changes: [LocalizedText]
    /// What a placeholder in the commands stands for, if there is one.
    public let legend: LocalizedText?
    /// The releases whose migrations change settings: they require the step (its `requiredBy`).
    public let releases: [String]

    public init(commands: [String], changes: [LocalizedText], legend: LocalizedText?, releases: [String]) {
        self.commands = commands
        self.changes = changes
        self.legend = legend
        self.releases = releases
    }

    private enum CodingKeys: String, CodingKey { case commands, changes, legend }

    /// The lines under the step: the commands, the changes, the legend.
    func lines(_ language: KeyPath<LocalizedText, String>) -> [String] {
        commands + (changes + (legend.map { [$0] } ?? [])).map { $0[keyPath: language] }
    }
}

public protocol SettingsMigrationAdvisor: Sendable {
    /// The migration of settings written by release `from` for use with the later release
    /// `to`; nil when no setting changes on the way.
    func migration(from: Version, to: Version) throws(CTIFailure) -> SettingsMigration?
}

public struct UpgradePlanner: Sendable {
    public let catalog: ReleaseCatalog
    /// Describes the settings step; without it, the plan has none.
    public let settings: (any SettingsMigrationAdvisor)?

    public init(catalog: ReleaseCatalog, settings: (any SettingsMigrationAdvisor)? = nil) {
        self.catalog = catalog
        self.settings = settings
    }

    public func plan(from installed: Version, pbx: Version, datev: Version? = nil) throws -> UpgradePlan {
        let current = try catalog.requireRelease(installed)
        let pbxText = LocalizedText(
            en: "\(catalog.pbxName) \(pbx)" + (datev.map { " and DATEV Arbeitsplatz \($0)" } ?? ""),
            de: "\(catalog.pbxName) \(pbx)" + (datev.map { " und DATEV Arbeitsplatz \($0)" } ?? ""))
        let checker = CompatibilityChecker(catalog: catalog)
        guard let target = checker.supportedReleases(pbx: pbx, datev: datev).first, let targetVersion = target.version else {
            let closest = catalog.versionedReleases.filter { $0.testedPBX?.contains(pbx) == true }.map { $0.version!.description }.joined(separator: ", ")
            return UpgradePlan(
                product: catalog.product, installed: installed.description, target: nil,
                summary: LocalizedText(
                    en: "No release of \(catalog.name) is tested with \(pbxText.en)" + (closest.isEmpty ? "." : "; tested with \(catalog.pbxName) \(pbx) alone: \(closest)."),
                    de: "Keine Version von \(catalog.name) ist mit \(pbxText.de) getestet" + (closest.isEmpty ? "." : "; nur mit \(catalog.pbxName) \(pbx) getestet: \(closest).")),
                steps: [], notes: [])
        }
        if targetVersion == installed {
            return UpgradePlan(
                product: catalog.product, installed: installed.description, target: targetVersion.description,
                summary: LocalizedText(en: "\(installed) is the newest release tested with \(pbxText.en): nothing to do.",
                                       de: "\(installed) ist die neueste mit \(pbxText.de) getestete Version: nichts zu tun."),
                steps: [], notes: [])
        }
        let upgrading = installed < targetVersion
        // The releases whose notes apply: those after the older of the two, up to the newer.
        // A downgrade crosses the same releases backwards, so the same notes apply (the
        // installers on either side of a release that says "uninstall first" do not replace
        // each other in either direction).
        let (older, newer) = upgrading ? (installed, targetVersion) : (targetVersion, installed)
        let crossed = catalog.versionedReleases.filter { $0.version! > older && $0.version! <= newer }
        func requiring(_ step: UpgradeStep) -> [String] { crossed.filter { $0.upgradeSteps.contains(step) }.map { $0.version!.description } }
        var steps: [UpgradePlan.Step] = []
        let uninstall = requiring(.uninstallFirst)
        if !uninstall.isEmpty {
            steps.append(.init(action: LocalizedText(en: "Uninstall the Windows app \(installed).", de: "Deinstallieren Sie die Windows-Anwendung \(installed)."),
                               requiredBy: uninstall))
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
        // Before the users start the new release: migrations only go forward, and a downgrade
        // reads the newer settings as they are (docs/release-catalog.md).
        if upgrading, let migration = try settings?.migration(from: installed, to: targetVersion) {
            steps.append(.init(
                action: LocalizedText(
                    en: "Migrate every user's settings before they start \(targetVersion); check first with --dry-run.",
                    de: "Migrieren Sie die Einstellungen aller Benutzer, bevor sie \(targetVersion) starten; prüfen Sie zuerst mit --dry-run."),
                requiredBy: migration.releases, settings: migration))
        }
        // Only what the release notes ask for: configuring again (2.3.7.1) is a step; "settings
        // are kept" (2.4.1, 2.6) a note, which says where each comes from when both apply.
        let reconfigure = requiring(.reconfigurePerUser)
        if !reconfigure.isEmpty {
            steps.append(.init(
                action: LocalizedText(en: "Configure the Windows app again for every user.", de: "Konfigurieren Sie die Windows-Anwendung für jeden Benutzer neu."),
                requiredBy: reconfigure))
        }
        var notes: [LocalizedText] = []
        let kept = requiring(.settingsKept).joined(separator: ", ")
        if !kept.isEmpty && reconfigure.isEmpty {
            notes.append(LocalizedText(en: "Settings are kept (release notes of \(kept)).", de: "Die Programm-Einstellungen bleiben erhalten (Versionshinweise zu \(kept))."))
        } else if !kept.isEmpty {
            let again = reconfigure.joined(separator: ", ")
            notes.append(LocalizedText(
                en: "The release notes of \(kept) say the settings are kept; that does not cover \(again), whose release notes require configuring every user again.",
                de: "Laut Versionshinweisen zu \(kept) bleiben die Programm-Einstellungen erhalten; das gilt nicht für \(again), dessen Versionshinweise verlangen, jeden Benutzer neu zu konfigurieren."))
        }
        return UpgradePlan(
            product: catalog.product, installed: installed.description, target: targetVersion.description,
            summary: LocalizedText(
                en: "\(upgrading ? "Upgrade" : "Downgrade") \(installed) → \(targetVersion), the newest release tested with \(pbxText.en).",
                de: "\(upgrading ? "Aktualisierung" : "Rückstufung") \(installed) → \(targetVersion), die neueste mit \(pbxText.de) getestete Version."),
            steps: steps, notes: notes)
    }
}
