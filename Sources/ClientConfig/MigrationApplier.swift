import CTICore

/// One difference a migration makes to a file, for people (`--dry-run`) and JSON output.
public struct MigrationChange: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case added, removed, changed, renamed, moved
    }

    public let kind: Kind
    public let section: String
    public let name: String
    /// Where a renamed or moved setting was (section and name before).
    public let previousSection: String?
    public let previousName: String?
    public let oldValue: String?
    public let newValue: String?
    /// The steps that made this change, `2.4.4.1 → 2.6: remove-tapi-line`.
    public let steps: [String]

    public var description: String { text.en }

    /// The change for people, one line in each language.
    public var text: LocalizedText {
        func quoted(_ value: String?) -> String { value.map { "\"\(TerminalText.line($0))\"" } ?? "-" }
        let what: LocalizedText
        switch kind {
        case .added:
            what = LocalizedText(en: "added \(name) = \(quoted(newValue))", de: "\(name) hinzugefügt = \(quoted(newValue))")
        case .removed:
            what = LocalizedText(en: "removed \(name) (was \(quoted(oldValue)))", de: "\(name) entfernt (war \(quoted(oldValue)))")
        case .changed:
            let change = "\(name): \(quoted(oldValue)) → \(quoted(newValue))"
            what = LocalizedText(en: change, de: change)
        case .renamed:
            what = LocalizedText(
                en: "renamed \(previousName ?? "?") to \(name) (value \(quoted(newValue)))",
                de: "\(previousName ?? "?") umbenannt in \(name) (Wert \(quoted(newValue)))")
        case .moved:
            what = LocalizedText(
                en: "moved \(name) from \(previousSection ?? "?") (value \(quoted(newValue)))",
                de: "\(name) verschoben aus \(previousSection ?? "?") (Wert \(quoted(newValue)))")
        }
        let steps = self.steps.joined(separator: "; ")
        return LocalizedText(en: TerminalText.line("\(section): \(what.en) [\(steps)]"), de: TerminalText.line("\(section): \(what.de) [\(steps)]"))
    }
}

/// What a plan does to one file: the file after the migration (already read back) and the
/// changes, in file order. No change means the file is already migrated: its bytes are the
/// original's.
public struct MigrationOutcome: Sendable {
    public let original: SettingsFile
    public let migrated: SettingsFile
    public let changes: [MigrationChange]

    public var bytes: [UInt8] { migrated.bytes }
    public var changed: Bool { migrated.bytes != original.bytes }
}

extension MigrationPlan {
    /// Runs the plan on `file`. The steps run on the file's settings one after another; the
    /// net difference is then made by one edit, so only the settings whose value, presence
    /// or place differs in the end are touched (a default that a later step removes leaves
    /// no trace). Refused, with nothing produced: a rename or move onto a setting that exists
    /// with another value, a setting to add to a section the file lacks
    /// (`config.migration-conflict`), and a plan whose second run would change the result
    /// again (`config.migration-not-idempotent`, a fault of the migration files).
    public func apply(to file: SettingsFile) throws(CTIFailure) -> MigrationOutcome {
        let start = SettingsModel(file)
        var run = MigrationRun(model: start, source: file.source)
        for (migration, step) in steps { try run.apply(step, of: migration) }
        try checkIdempotent(run.model, source: file.source)
        let difference = NetDifference(start: start, run: run)
        var migrated = file
        for batch in difference.editBatches where !batch.isEmpty {
            migrated = try migrated.applying(batch)
        }
        return MigrationOutcome(original: file, migrated: migrated, changes: difference.changes)
    }

    /// The plan run on its own result must leave it as it is; otherwise a second `migrate`
    /// (a file whose version folder still names the old release) would change it again.
    private func checkIdempotent(_ result: SettingsModel, source: String) throws(CTIFailure) {
        func refuse(_ what: String, german: String) -> CTIFailure {
            CTIFailure.quoting(
                .configMigrationNotIdempotent,
                "\(source): running the migrations \(from) → \(to) on their own result would \(what); the migration files contradict each other (fix them), nothing was changed",
                german: "\(source): die Migrationen \(from) → \(to) würden auf ihrem eigenen Ergebnis \(german); die Migrationsdateien widersprechen einander (korrigieren Sie sie), nichts wurde geändert")
        }
        var again = MigrationRun(model: result, source: source)
        for (migration, step) in steps {
            do {
                try again.apply(step, of: migration)
            } catch {
                throw refuse("fail (\(error.message))", german: "scheitern (\(error.german ?? error.message))")
            }
        }
        if let key = again.model.firstDifference(from: result) {
            let steps = again.touched[key, default: []].joined(separator: "; ")
            throw refuse("change \(key.name) in \(key.section) once more (steps: \(steps))", german: "\(key.name) in \(key.section) noch einmal ändern (Schritte: \(steps))")
        }
    }
}

/// The state of a setting the steps look at.
struct SettingState: Equatable {
    var serializeAs: SerializeAs
    var value: String
}

/// A file's settings as the steps see them: which sections exist and each setting's state.
struct SettingsModel {
    let sections: Set<String>
    var settings: [SettingKey: SettingState]
    /// The file's settings in file order (for a stable order of changes).
    let order: [SettingKey]

    init(_ file: SettingsFile) {
        sections = Set(file.sections.map(\.path))
        order = file.settings.map { SettingKey(section: $0.section, name: $0.name) }
        settings = Dictionary(file.settings.map { (SettingKey(section: $0.section, name: $0.name), SettingState(serializeAs: $0.serializeAs, value: $0.value)) }, uniquingKeysWith: { first, _ in first })
    }

    /// A setting whose state differs between the two models, if any (file order, then by name).
    func firstDifference(from other: SettingsModel) -> SettingKey? {
        let keys = Set(settings.keys).union(other.settings.keys)
        return keys.sorted { ($0.section, $0.name) < ($1.section, $1.name) }.first { settings[$0] != other.settings[$0] }
    }
}

/// The steps run one after another on a model, remembering which steps touched what and
/// where a renamed or moved setting came from.
struct MigrationRun {
    var model: SettingsModel
    let source: String
    /// Step labels per setting that they changed.
    var touched: [SettingKey: [String]] = [:]
    /// For a setting that was renamed or moved: the original setting its value came from.
    var origin: [SettingKey: SettingKey] = [:]
    /// Settings added during the run, in the order of their (last) addition.
    var added: [SettingKey] = []

    init(model: SettingsModel, source: String) {
        self.model = model
        self.source = source
    }

    mutating func apply(_ step: MigrationStep, of migration: Migration) throws(CTIFailure) {
        let label = "\(migration.label): \(step.name)"
        switch step.action {
        case let .rename(section, name, target):
            try relocate(SettingKey(section: section, name: name), to: SettingKey(section: section, name: target), label: label)
        case let .move(section, name, targetSection):
            try relocate(SettingKey(section: section, name: name), to: SettingKey(section: targetSection, name: name), label: label)
        case let .set(section, name, value, condition):
            let key = SettingKey(section: section, name: name)
            guard var state = model.settings[key], state.value != value else { return }
            if let condition, state.value != condition { return }
            state.value = value
            model.settings[key] = state
            touched[key, default: []].append(label)
        case let .remove(section, name):
            let key = SettingKey(section: section, name: name)
            if model.settings.removeValue(forKey: key) != nil { touched[key, default: []].append(label) }
        case let .default(section, name, serializeAs, value):
            let key = SettingKey(section: section, name: name)
            guard model.settings[key] == nil else { return }
            try requireSection(section, for: name, label: label)
            model.settings[key] = SettingState(serializeAs: serializeAs, value: value)
            origin[key] = nil
            noteAdded(key)
            touched[key, default: []].append(label)
        }
    }

    /// Rename and move: the setting at `key` goes to `target` with its state. Nothing to do
    /// when it is gone (already migrated, or never there); when `target` exists with the same
    /// state the old one just goes, with another state the step cannot decide which is right.
    private mutating func relocate(_ key: SettingKey, to target: SettingKey, label: String) throws(CTIFailure) {
        guard let state = model.settings[key] else { return }
        if let existing = model.settings[target] {
            guard existing == state else {
                throw CTIFailure.quoting(
                    .configMigrationConflict,
                    "\(source): step \(label) would turn \(key.name) in \(key.section) into \(target.name) in \(target.section), but that exists with another value (\"\(existing.value)\", not \"\(state.value)\"); keep one of the two by hand and run again",
                    german: "\(source): Schritt \(label) würde \(key.name) in \(key.section) zu \(target.name) in \(target.section) machen, aber das gibt es schon mit einem anderen Wert (\"\(existing.value)\", nicht \"\(state.value)\"); behalten Sie eines der beiden von Hand und starten Sie erneut")
            }
            model.settings[key] = nil
            touched[key, default: []].append(label)
            return
        }
        try requireSection(target.section, for: target.name, label: label)
        model.settings[key] = nil
        model.settings[target] = state
        origin[target] = origin[key] ?? key
        noteAdded(target)
        // The setting's story goes with it: a change names every step on the way.
        touched[key, default: []].append(label)
        for step in touched[key, default: []] where !touched[target, default: []].contains(step) { touched[target, default: []].append(step) }
    }

    private func requireSection(_ section: String, for name: String, label: String) throws(CTIFailure) {
        guard model.sections.contains(section) else {
            let sections = model.sections.sorted().joined(separator: ", ")
            throw CTIFailure.quoting(
                .configMigrationConflict,
                "\(source): step \(label) needs the section \(section) for \(name), which the file lacks (sections: \(sections)); is this the right product's file?",
                german: "\(source): Schritt \(label) braucht für \(name) den Abschnitt \(section), den die Datei nicht hat (Abschnitte: \(sections)); ist das die Datei des richtigen Produkts?")
        }
    }

    private mutating func noteAdded(_ key: SettingKey) {
        added.removeAll { $0 == key }
        added.append(key)
    }
}

/// The difference between a file's settings before and after the run, as changes for people
/// and as edits for the editor.
struct NetDifference {
    var changes: [MigrationChange] = []
    /// Edits in order; a setting removed and added again with another `serializeAs` needs two
    /// (the editor takes one change per setting at a time).
    var editBatches: [[SettingChange]] = [[], []]

    init(start: SettingsModel, run: MigrationRun) {
        let end = run.model.settings
        var reported: Set<SettingKey> = []
        // Settings the file had, in file order: changed or gone.
        for key in start.order {
            guard let before = start.settings[key] else { continue }
            let steps = run.touched[key, default: []]
            switch end[key] {
            case let after? where after == before:
                continue
            case let after? where after.serializeAs == before.serializeAs:
                editBatches[0].append(.set(section: key.section, name: key.name, value: after.value))
                changes.append(MigrationChange(kind: .changed, key: key, old: before.value, new: after.value, steps: steps))
            case let after?:
                editBatches[0].append(.remove(section: key.section, name: key.name))
                editBatches[1].append(.add(section: key.section, name: key.name, serializeAs: after.serializeAs, value: after.value))
                changes.append(MigrationChange(kind: .changed, key: key, old: before.value, new: after.value, steps: steps))
            case nil:
                editBatches[0].append(.remove(section: key.section, name: key.name))
                // A setting that now lives elsewhere is reported there, as renamed or moved.
                if !run.added.contains(where: { end[$0] != nil && start.settings[$0] == nil && run.origin[$0] == key }) {
                    changes.append(MigrationChange(kind: .removed, key: key, old: before.value, new: nil, steps: steps))
                }
            }
            reported.insert(key)
        }
        // Settings the file did not have, in the order the steps added them.
        for key in run.added where !reported.contains(key) && start.settings[key] == nil {
            guard let after = end[key] else { continue }
            editBatches[0].append(.add(section: key.section, name: key.name, serializeAs: after.serializeAs, value: after.value))
            if let from = run.origin[key], start.settings[from] != nil {
                let kind: MigrationChange.Kind = from.section == key.section ? .renamed : .moved
                changes.append(MigrationChange(
                    kind: kind, section: key.section, name: key.name, previousSection: from.section, previousName: from.name,
                    oldValue: start.settings[from]?.value, newValue: after.value, steps: run.touched[key, default: []]))
            } else {
                changes.append(MigrationChange(kind: .added, key: key, old: nil, new: after.value, steps: run.touched[key, default: []]))
            }
        }
    }
}

extension MigrationChange {
    init(kind: Kind, key: SettingKey, old: String?, new: String?, steps: [String]) {
        self.init(kind: kind, section: key.section, name: key.name, previousSection: nil, previousName: nil, oldValue: old, newValue: new, steps: steps)
    }
}
