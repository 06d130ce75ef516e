import ClientConfig
import ConfigHistory
import CTICore
import ReleaseCatalog

/// `config migrate` over many files: every file's migration computed and, unless it is a dry
/// run, written through the config history — in chunks, each one history transaction and one
/// batched durable write (`ConfigHistory.prepare`/`commit`, `SafeFile.StagedBatch`; the crash
/// guarantee in docs/config.md). Below a profile tree (`--root`) each chunk's files are found
/// a slice of profiles at a time (`ProfileFolders`). The next chunk is found, computed and
/// staged while the last one is committed, each on every core. The command renders the outcomes.
public struct ConfigMigrationBatch: Sendable {
    /// What to migrate.
    public enum Files: Sendable {
        /// These files, in this order.
        case paths([String])
        /// Every config of the product below this profile tree, as discovery finds them.
        case root(String)
    }

    /// One file: its migration as computed (or why it could not be) and what writing it gave.
    public struct FileOutcome: Sendable {
        public let path: String
        /// The profile folder's name, below a profile tree.
        public let user: String?
        public let migration: Result<ConfigMigration.Result, CTIFailure>
        public fileprivate(set) var write: Write
    }

    public enum Write: Sendable {
        /// Nothing written: unchanged, a dry run, or no migration.
        case none
        /// Written and recorded as this version.
        case written(ConfigHistory.Entry)
        /// Not written (the file is as it was): why.
        case failed(any Error)
    }

    public let migration: ConfigMigration
    /// The release the files are from (nil: each file's version folder, else its settings).
    public let from: Version?
    /// The history: where a real run writes, and where any run asks which release a file was
    /// last written for (nil: no history yet, on a dry run).
    public let history: ConfigHistory?
    /// False: a dry run, nothing is written.
    public let writes: Bool
    /// Files (below a profile tree: profile folders) per chunk.
    public let chunkSize: Int

    public init(migration: ConfigMigration, from: Version?, history: ConfigHistory?, writes: Bool, chunkSize: Int = 500) {
        self.migration = migration
        self.from = from
        self.history = history
        self.writes = writes && history != nil
        self.chunkSize = max(chunkSize, 1)
    }

    /// Every file's outcome, in order (below a tree: discovery's order), and the paths
    /// discovery skipped. `progress` hears after each chunk how many files (below a tree:
    /// profile folders) are done of how many. Throws only when the tree cannot be walked.
    public func run(_ files: Files, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws(CTIFailure) -> (outcomes: [FileOutcome], skipped: [SkippedPath]) {
        let chunks: [@Sendable () -> FoundChunk]
        let total: Int
        var skipped: [SkippedPath] = []
        switch files {
        case .root(let root):
            let profiles = try ProfileFolders(root: root)
            skipped = profiles.skipped
            let product = migration.check.product
            chunks = profiles.chunks(of: chunkSize).map { range in {
                let found = profiles.discover(range, runner: .concurrent)
                return FoundChunk(targets: found.configs.filter(product.owns).map { Target(path: $0.path, user: $0.user, versionFolder: $0.version) },
                                  skipped: found.skipped, size: range.count)
            } }
            total = profiles.folders.count
        case .paths(let paths):
            chunks = stride(from: 0, to: paths.count, by: chunkSize).map { start in {
                let slice = paths[start..<min(start + chunkSize, paths.count)]
                return FoundChunk(targets: slice.map { Target(path: $0, user: nil, versionFolder: nil) }, skipped: [], size: slice.count)
            } }
            total = paths.count
        }
        var outcomes: [FileOutcome] = []
        var done = 0
        let batch = self
        BatchRunner.concurrent.pipelined(chunks.count, produce: { index in
            let found = chunks[index]()
            let computed = BatchRunner.concurrent.map(found.targets) { batch.compute($0) }
            // Staged here too (temporary files, backups linked): the disk takes the last chunk meanwhile.
            let writes = computed.compactMap(\.write)
            return ComputedChunk(
                files: computed, prepared: writes.isEmpty ? nil : ConfigHistory.prepare(writes, runner: .concurrent), skipped: found.skipped, size: found.size)
        }) { chunk in
            var written = chunk.files.map(\.outcome)
            if let history, let prepared = chunk.prepared {
                let results: [Result<ConfigHistory.Entry, any Error>]
                do {
                    results = try history.commit(prepared, now: SystemClock.now(), runner: .concurrent)
                } catch {
                    // The chunk as a whole failed (the history, a sync): none of it is recorded.
                    results = Array(repeating: .failure(error), count: prepared.count)
                }
                for (index, result) in zip(chunk.files.indices.filter { chunk.files[$0].write != nil }, results) {
                    switch result {
                    case .success(let entry): written[index].write = .written(entry)
                    case .failure(let error): written[index].write = .failed(error)
                    }
                }
            }
            outcomes += written
            skipped += chunk.skipped
            done += chunk.size
            progress(done, total)
        }
        return (outcomes, skipped.sorted { $0.path < $1.path })
    }

    private struct Target: Sendable {
        let path: String
        let user: String?
        let versionFolder: String?
    }

    /// A chunk's files as found, what discovery skipped, and how many files or profile folders it covers.
    private struct FoundChunk: Sendable {
        let targets: [Target]
        let skipped: [SkippedPath]
        let size: Int
    }

    private struct ComputedChunk: Sendable {
        let files: [(outcome: FileOutcome, write: ConfigHistory.PendingWrite?)]
        /// The chunk's writes, read and staged (nil: nothing to write).
        let prepared: ConfigHistory.PreparedBatch?
        let skipped: [SkippedPath]
        let size: Int
    }

    /// One file's migration, and what to write (a real run, the file changed).
    private func compute(_ target: Target) -> (outcome: FileOutcome, write: ConfigHistory.PendingWrite?) {
        let result: ConfigMigration.Result
        do {
            // A file this history wrote for a release needs no --from again.
            result = try migration.migrate(
                path: target.path, from: from, versionFolder: target.versionFolder, recordedRelease: history.map { $0.recordedReleaseIfKnown })
        } catch {
            return (FileOutcome(path: target.path, user: target.user, migration: .failure(error), write: .none), nil)
        }
        let outcome = FileOutcome(path: target.path, user: target.user, migration: .success(result), write: .none)
        guard writes, result.outcome.changed else { return (outcome, nil) }
        let steps = result.plan.migrations.map(\.label).joined(separator: ", ")
        return (outcome, ConfigHistory.PendingWrite(
            path: target.path, bytes: result.outcome.bytes, command: "config migrate",
            reason: "migrate from \(result.from) to \(migration.target) (\(steps))", release: migration.target.description, original: result.original))
    }
}
