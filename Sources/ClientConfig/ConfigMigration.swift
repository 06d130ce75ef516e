import CTICore
import ReleaseCatalog

/// What `config migrate` does to one file before anything is written: the release it is
/// from (`--from`, else as `config check` tells it), the plan to the target release and its
/// outcome. Writing the result (with a backup and the history) is the caller's job.
public struct ConfigMigration: Sendable {
    public let check: ConfigCheck
    public let migrations: MigrationSet
    /// The product's releases (its catalog).
    public let releases: [Version]
    public let target: Version

    /// Refused once for the whole run, before any file: a target that is not a known release
    /// (`config.release-unknown`, 64), or a migration naming a release the catalog lacks.
    public init(check: ConfigCheck, migrations: MigrationSet, releases: [Version], target: Version) throws(CTIFailure) {
        // A plan from the oldest known release checks the target and the chain as every file's would.
        let oldest = (releases + migrations.migrations.map(\.from)).min().map { min($0, target) } ?? target
        _ = try migrations.plan(from: oldest, to: target, releases: releases)
        self.check = check
        self.migrations = migrations
        self.releases = releases
        self.target = target
    }

    /// One file's migration, computed but not written.
    public struct Result: Sendable {
        public let from: Version
        public let fromSource: ConfigCheck.ReleaseSource
        public let plan: MigrationPlan
        public let outcome: MigrationOutcome
        /// The file as it was read: a writer that records and backs it up needs no second read.
        public let original: SafeFile.IdentifiedContent
    }

    /// Reads `path`, tells its release (`from`, else the version folder, else the settings
    /// present) and applies the plan to `target`. A file from a release newer than every known
    /// one is `config.version-too-new` (1): it is never rewritten.
    public func migrate(
        path: String, from: Version?, versionFolder: String?, recordedRelease: ((String, [UInt8]) -> String?)? = nil
    ) throws(CTIFailure) -> Result {
        let original: SafeFile.IdentifiedContent
        do {
            original = try SafeFile.readIdentified(path, limit: Int64(SettingsReader.sizeLimit))
        } catch {
            throw CTIFailure(error)
        }
        let file = try SettingsFile(bytes: original.bytes, source: path)
        let told: (Version?, ConfigCheck.ReleaseSource)
        do {
            let recorded = from == nil && versionFolder == nil ? recordedRelease?(path, file.bytes) : nil
            told = try check.release(of: file, option: from, versionFolder: versionFolder, recorded: recorded)
        } catch where error.errorCode == .configReleaseUndetermined {
            // The same detection as config check, but this command's option is --from.
            throw CTIFailure.quoting(
                .configReleaseUndetermined,
                "\(path): the release of this file cannot be told (no version folder, no setting that only some releases have); pass --from V",
                german: "\(path): die Version dieser Datei ist nicht zu erkennen (kein Versionsordner, keine Einstellung, die nur manche Versionen haben); geben Sie --from V an")
        }
        guard let release = told.0 else {
            throw CTIFailure.quoting(
                .configReleaseUnknown, "\(path): the product has no catalogued releases, so there is nothing to migrate between",
                german: "\(path): das Produkt hat keine katalogisierten Versionen, zwischen denen migriert werden könnte")
        }
        let plan = try migrations.plan(from: release, to: target, releases: releases)
        return Result(from: release, fromSource: told.1, plan: plan, outcome: try plan.apply(to: file), original: original)
    }
}
