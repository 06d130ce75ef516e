import CTICore
import ReleaseCatalog

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A product's migrations (`config-schemas/<product>/migrations/`), oldest first. They form a
/// chain: each one starts at or after the release where the one before it ends, so for any
/// two releases there is exactly one sequence of steps between them.
public struct MigrationSet: Sendable {
    public let migrations: [Migration]

    /// Checks that the migrations form a chain (no two cover the same releases).
    public init(_ migrations: [Migration]) throws(CTIFailure) {
        let sorted = migrations.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) where later.from < earlier.to {
            throw CTIFailure.quoting(
                .configMigrationChainBroken,
                "\(later.source): starts at \(later.from), before \(earlier.source) ends at \(earlier.to); migrations go between consecutive releases and must not overlap")
        }
        self.migrations = sorted
    }

    /// Every `<from>-to-<to>.json` in `directory` (other files are refused, not skipped: a
    /// misnamed migration would otherwise silently not run).
    public static func load(directory: String) throws(CTIFailure) -> MigrationSet {
        var migrations: [Migration] = []
        for name in try jsonFiles(in: directory) {
            let path = directory + "/" + name
            let migration = try Migration(contentsOf: path)
            let expected = "\(migration.from)-to-\(migration.to).json"
            guard name == expected else {
                throw CTIFailure.quoting(.configMigrationChainBroken, "\(path): holds the migration \(migration.label) and so must be named \(expected)")
            }
            migrations.append(migration)
        }
        return try MigrationSet(migrations)
    }

    /// The migrations of `product` in a catalog directory (`DIR/<product>/migrations/`); a
    /// product without that folder has none (its releases changed no setting ctictl knows).
    public static func load(product: String, from catalogDirectory: String) throws(CTIFailure) -> MigrationSet {
        let directory = try CatalogDirectory.productFolder(product, in: catalogDirectory) + "/migrations"
        guard SafeFile.exists(directory) else { return try MigrationSet([]) }
        return try load(directory: directory)
    }

    private static func jsonFiles(in directory: String) throws(CTIFailure) -> [String] {
        do {
            return try SafeFile.fileNames(in: directory).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
        } catch {
            throw CTIFailure(error)
        }
    }

    /// `plan(from:to:releases:)` with the catalog's releases.
    public func plan(from: Version, to: Version, catalog: ReleaseCatalog) throws(CTIFailure) -> MigrationPlan {
        try plan(from: from, to: to, releases: catalog.versionedReleases.compactMap(\.version))
    }

    /// The steps that take a config written by release `from` to release `to`: every migration
    /// whose target release lies after `from` and at or before `to`, in order. `releases` are
    /// the product's releases (its catalog); the chain's own releases count as known too.
    ///
    /// Refused: a `from` newer than every known release (`config.version-too-new`: such a file
    /// is never rewritten), a `from` or `to` that is not a known release, going backwards, and
    /// a migration that names a release the catalog lacks.
    public func plan(from: Version, to: Version, releases: [Version]) throws(CTIFailure) -> MigrationPlan {
        let catalog = Set(releases)
        if !catalog.isEmpty {
            for migration in migrations {
                for version in [migration.from, migration.to] where !catalog.contains(version) {
                    throw CTIFailure.quoting(.configMigrationChainBroken, "\(migration.source): \(version) is not a release in the catalog; check the file's from and to against releases.json")
                }
            }
        }
        let known = (catalog.union(migrations.flatMap { [$0.from, $0.to] })).sorted()
        let list = known.map(\.description).joined(separator: ", ")
        guard let newest = known.last else {
            throw CTIFailure(
                .configReleaseUnknown, "no releases are known for this product, so no migration can be planned",
                german: "für dieses Produkt sind keine Versionen bekannt, also lässt sich keine Migration planen")
        }
        if from > newest {
            throw CTIFailure.quoting(
                .configVersionTooNew,
                "the config is from release \(from), newer than every known release (the newest is \(newest)); it is left as it is. Update ctictl's catalogs if that release exists",
                german: "die Konfiguration ist von Version \(from), neuer als jede bekannte Version (die neueste ist \(newest)); sie bleibt, wie sie ist. Aktualisieren Sie die Kataloge von ctictl, falls es diese Version gibt")
        }
        guard known.contains(from) else {
            throw CTIFailure.quoting(
                .configReleaseUnknown, "\(from) is not a known release to migrate from (known: \(list))",
                german: "\(from) ist keine bekannte Version, von der migriert werden kann (bekannt: \(list))")
        }
        guard known.contains(to) else {
            throw CTIFailure.quoting(
                .configReleaseUnknown, "\(to) is not a known release to migrate to (known: \(list))",
                german: "\(to) ist keine bekannte Version, auf die migriert werden kann (bekannt: \(list))")
        }
        guard from <= to else {
            throw CTIFailure.quoting(
                .configReleaseUnknown, "cannot migrate back from \(from) to \(to): migrations only go forward; to undo one, use the config history (rollback)",
                german: "keine Migration zurück von \(from) auf \(to): Migrationen gehen nur vorwärts; um eine rückgängig zu machen, nutzen Sie die Konfigurationshistorie (rollback)")
        }
        return MigrationPlan(from: from, to: to, migrations: migrations.filter { from < $0.to && $0.to <= to })
    }
}

/// The migrations from one release to another, in order: what `apply(to:)` runs.
public struct MigrationPlan: Sendable {
    public let from: Version
    public let to: Version
    public let migrations: [Migration]

    /// Every step, in order, with the migration it belongs to.
    public var steps: [(migration: Migration, step: MigrationStep)] {
        migrations.flatMap { migration in migration.steps.map { (migration, $0) } }
    }

    public var isEmpty: Bool { migrations.isEmpty }
}
