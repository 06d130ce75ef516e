#if canImport(Synchronization)
import Synchronization
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing files the way ctictl promises: inputs are read with a size limit (a
/// 100 MB file handed in by mistake is refused, not loaded), and every write is atomic
/// (temporary file, fsync, rename, fsync of the directory), so a crash leaves either the old
/// file or the new one, never half of one.
public enum SafeFile {
    /// The default cap for text inputs such as licenses and keyrings.
    public static let defaultInputLimit: Int64 = 1 << 20

    /// Reads a whole file, refusing files larger than `limit` bytes before reading them.
    public static func read(_ path: String, limit: Int64 = defaultInputLimit) throws(FileError) -> [UInt8] {
        try readIdentified(path, limit: limit).bytes
    }

    /// A file's bytes as one read saw them, and which file that was.
    public struct IdentifiedContent: Sendable, Equatable {
        public let bytes: [UInt8]
        public let identity: Identity
        /// The permission bits the file had.
        public let mode: UInt32

        /// The same file, unchanged, has the same identity: device and inode, size and
        /// modification time (a write changes the time; a rename or a new link does not).
        public struct Identity: Sendable, Equatable {
            let device: UInt64
            let inode: UInt64
            let size: Int64
            let modifiedSeconds: Int
            let modifiedNanoseconds: Int

            init(_ info: stat) {
                device = UInt64(info.st_dev)
                inode = UInt64(info.st_ino)
                size = Int64(info.st_size)
                modifiedSeconds = Int(info.st_mtim.tv_sec)
                modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
            }
        }
    }

    /// `read`, with the identity of the file read (from the descriptor the bytes came from).
    public static func readIdentified(_ path: String, limit: Int64 = defaultInputLimit) throws(FileError) -> IdentifiedContent {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error(path, errno, isInput: true) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw error(path, errno, isInput: true) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw FileError(path: path, reason: .isDirectory, isInput: true) }
        if Int64(info.st_size) > limit {
            throw FileError(path: path, reason: .tooLarge(size: Int64(info.st_size), limit: limit), isInput: true)
        }
        let bytes = try readAll(fd, name: path, limit: limit, expected: Int(info.st_size))
        return IdentifiedContent(bytes: bytes, identity: .init(info), mode: UInt32(info.st_mode) & 0o7777)
    }

    /// `readIdentified`, or nil when nothing is at `path`.
    public static func readIdentifiedIfPresent(_ path: String, limit: Int64 = defaultInputLimit) throws(FileError) -> IdentifiedContent? {
        do {
            return try readIdentified(path, limit: limit)
        } catch {
            guard error.reason == .notFound else { throw error }
            return nil
        }
    }

    /// The identity of what is at `path` now (a link itself, not what it points to).
    static func identity(of path: String) throws(FileError) -> IdentifiedContent.Identity {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw error(path, errno, isInput: true) }
        return .init(info)
    }

    /// Reads standard input to its end ("-" as a file name), up to `limit` bytes.
    public static func readStandardInput(limit: Int64 = defaultInputLimit) throws(FileError) -> [UInt8] {
        try readAll(0, name: "standard input", limit: limit, expected: 0)
    }

    private static func readAll(_ fd: Int32, name: String, limit: Int64, expected: Int) throws(FileError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(expected)
        // As large as the file and one byte more (its end in the second read), at least a
        // page for files that tell no size, at most 64 KiB.
        var buffer = [UInt8](repeating: 0, count: min(max(expected + 1, 4096), 64 * 1024))
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc_read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw error(name, errno, isInput: true)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            // Files that grow while being read (or special files, or a pipe) are capped too.
            if Int64(bytes.count) > limit {
                throw FileError(path: name, reason: .tooLarge(size: Int64(bytes.count), limit: limit), isInput: true)
            }
        }
        return bytes
    }

    /// `read`, or nil when nothing is at `path` (no separate check that it exists).
    public static func readIfPresent(_ path: String, limit: Int64 = defaultInputLimit) throws(FileError) -> [UInt8]? {
        try readIdentifiedIfPresent(path, limit: limit)?.bytes
    }

    /// Whether a path exists (file, directory or anything else).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// The permission bits of a file.
    public static func mode(of path: String) throws(FileError) -> UInt32 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw error(path, errno, isInput: true) }
        return UInt32(info.st_mode) & 0o7777
    }

    /// Writes `bytes` to `path` atomically with the given mode.
    ///
    /// - Parameters:
    ///   - exclusive: refuse if `path` already exists (new private keys never replace old ones).
    ///   - backup: when replacing an existing file, first keep a copy at `path + ".bak"` and
    ///     read it back to check it, so a rewrite can never lose what was there.
    ///   - durable: fsync the file and its directory before returning. A batch writing thousands
    ///     of files passes false and calls `syncFilesystem(containing:)` once at the end.
    ///
    /// A symbolic link at `path` stays: the file it points to is replaced, and its backup
    /// lies beside that file (see `resolvingLinks`). Only `exclusive` writes refuse a link.
    public static func write(
        _ bytes: [UInt8], to path: String, mode: UInt32 = 0o644, exclusive: Bool = false, backup: Bool = false, durable: Bool = true
    ) throws(FileError) {
        let path = exclusive ? path : try resolvingLinks(path)
        if exclusive && exists(path) { throw FileError(path: path, reason: .alreadyExists, isInput: false) }
        if backup && exists(path) {
            let old = try read(path, limit: Int64.max)
            let backupPath = path + ".bak"
            try writeReplacing(old, to: backupPath, mode: try self.mode(of: path))
            guard (try? read(backupPath, limit: Int64.max)) == old else {
                throw FileError(path: backupPath, reason: .io("backup could not be verified; nothing was changed"), isInput: false)
            }
        }
        try writeReplacing(bytes, to: path, mode: mode, exclusive: exclusive, durable: durable)
    }

    /// Writes a file that is normally new (a batch's license files), atomically and not yet
    /// durable (see `syncFilesystem`). On Linux the bytes go into an unnamed file (O_TMPFILE)
    /// that is then linked under its name: readers see the whole file or none, and the
    /// directory takes one operation (the link) instead of two (create, rename) — 16 µs
    /// instead of 18 per file on tmpfs, 46 instead of 62 on ext4 (docs/performance.md). Where
    /// that is not possible (no O_TMPFILE on the file system, or the file exists) it is `write`.
    public static func writeNew(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o644) throws(FileError) {
        #if os(Linux)
        let fd = open(parentDirectory(of: path), O_WRONLY | O_CLOEXEC | O_DIRECTORY | oTmpFile, mode_t(mode))
        if fd >= 0 {
            defer { close(fd) }
            // fchmod: the mode must not depend on the umask.
            guard fchmod(fd, mode_t(mode)) == 0 else { throw error(path, errno, isInput: false) }
            try writeAll(bytes, to: fd, path: path)
            if linkUnnamed(fd, to: path) { return }
        }
        #endif
        try writeReplacing(bytes, to: try resolvingLinks(path), mode: mode, durable: false)
    }

    /// One file of a `replaceAll` batch: its new content and mode.
    public struct Replacement: Sendable {
        public let path: String
        public let bytes: [UInt8]
        public let mode: UInt32
        /// The file as the caller has just read it (the config history reads it to record it,
        /// `readIdentified`): its backup must be exactly that, and `replaceAll` checks it is
        /// instead of reading the file again. Nil: `replaceAll` reads it.
        public let original: IdentifiedContent?

        public init(path: String, bytes: [UInt8], mode: UInt32 = 0o644, original: IdentifiedContent? = nil) {
            self.path = path
            self.bytes = bytes
            self.mode = mode
            self.original = original
        }
    }

    /// Replaces many files durably with two file-system syncs in all, instead of two or
    /// three fsyncs per file (`write`), keeping `write`'s promise for each file: after a crash
    /// at any point it is either the original or the new content, never half of one, and once
    /// it is the new content its backup (`path + ".bak"`, with `backups`) is the complete
    /// original, durable under its name.
    ///
    /// 1. Every new content is written into a temporary file beside its file (`write`'s
    ///    naming, `.NAME.ctictl-tmp-PID-XXXXXX`, so a killed run's leftovers are removed by the
    ///    next write into that directory), and every original gets a second name, a hard link
    ///    (`FILE.bak` where there is none, else a temporary name): the backup is the very file
    ///    that was read, not a copy, so it costs no new file, no bytes written and no read-back
    ///    (`StagedBatch.init`, which replaces no older backup). Then each temporary link is
    ///    renamed over its `FILE.bak` and one sync: the backups are durable under their names
    ///    before any file is replaced.
    /// 2. Each file is verified: still the file that was read (device, inode, size and
    ///    modification time; a file that was not there still is not), and its backup that
    ///    file. A file saved by someone else meanwhile is left as it is, with its change.
    /// 3. Every new file is renamed over its original (rename is atomic; the original lives on
    ///    as the backup); one sync.
    ///
    /// Where a file system has no hard links (EXDEV, EPERM, EOPNOTSUPP, EMLINK), that file's
    /// backup is a copy as before: written to a temporary file in step 1, renamed into place
    /// after the first sync, synced once more, and read back and compared in step 2.
    ///
    /// A file that fails (unreadable, a backup that does not verify, a rename refused) is
    /// left as it was and its error is at its index in the result (nil: replaced); the others
    /// go on. A failed sync throws: before step 3 nothing has been replaced; a failure of the
    /// last sync means the files are replaced but perhaps not yet durable.
    public static func replaceAll(_ files: [Replacement], backups: Bool, runner: BatchRunner = .serial) throws(FileError) -> [FileError?] {
        try StagedBatch(files, backups: backups, runner: runner).finish(runner: runner)
    }

    /// `replaceAll` in two steps, so a caller can stage one batch while it finishes another:
    /// `init` writes every new content into its temporary file and links every original as
    /// `FILE.bak` where there is none, else under a temporary name (or copies it there), and
    /// replaces nothing; `finish` does the rest. A staged batch that is not finished must be
    /// discarded.
    public struct StagedBatch: Sendable {
        /// Each file's staging failure, at its index (nil: staged).
        public private(set) var failures: [FileError?]
        private var staged: [StagedReplacement]

        public init(_ files: [Replacement], backups: Bool, runner: BatchRunner = .serial) {
            failures = [FileError?](repeating: nil, count: files.count)
            staged = []
            for (index, outcome) in runner.map(files.count, { index in
                Result { () throws(FileError) in try stage(files[index], index: index, backup: backups) }
            }).enumerated() {
                switch outcome {
                case .success(let stage): staged.append(stage)
                case .failure(let error): failures[index] = error
                }
            }
        }

        /// Undoes staging: the temporary files go, and so does a `FILE.bak` staging linked where
        /// there was none; nothing is replaced, an older backup is as it was.
        public func discard() {
            staged.forEach { $0.removeTemporaries() }
        }

        /// The batch without the files at `indices` (their temporaries removed): files the
        /// caller has decided not to replace after all. Their results stay nil.
        public func leavingOut(_ indices: Set<Int>) -> StagedBatch {
            guard !indices.isEmpty else { return self }
            var batch = self
            batch.staged = staged.filter { stage in
                guard indices.contains(stage.index) else { return true }
                stage.removeTemporaries()
                return false
            }
            return batch
        }

        /// Steps 1 (its sync) to 3: returns each file's error at its index (nil: replaced),
        /// staging failures included. Throws when a sync fails (see `replaceAll`).
        public func finish(runner: BatchRunner = .serial) throws(FileError) -> [FileError?] {
            var results = failures
            var staged = self.staged
            /// Keeps the staged files for which `step` succeeds; the others' temporaries are
            /// removed and their error recorded (they are left as they were).
            func keep(where step: @Sendable (StagedReplacement) -> FileError?) {
                let stepFailures = runner.map(staged, step)
                for (stage, failure) in zip(staged, stepFailures) {
                    guard let failure else { continue }
                    stage.removeTemporaries()
                    results[stage.index] = failure
                }
                staged = zip(staged, stepFailures).filter { $0.1 == nil }.map(\.0)
            }
            let syncPaths = oneDirectoryPerFileSystem(staged.map { (parentDirectory(of: $0.target), $0.backup.device) })
            func syncAll() throws(FileError) {
                for path in syncPaths { try syncFilesystem(containing: path) }
            }
            /// Before the new files are renamed, a failed sync leaves every original as it was.
            func syncOrDiscardAll() throws(FileError) {
                do {
                    try syncAll()
                } catch {
                    staged.forEach { $0.removeTemporaries() }
                    throw error
                }
            }
            // A file changed since it was read keeps its older backup too: checked before any
            // `FILE.bak` is touched, and again just before the file is replaced.
            keep { $0.expected.verify(at: $0.target) }
            // Linked backups under their names (rename replaces an older backup atomically;
            // when the two names already are one file it does nothing, hence the unlink).
            keep { stage in
                guard case .linked(_, let temporary?) = stage.backup else { return nil }
                let renamed = rename(temporary, stage.backupPath) == 0
                let code = errno
                unlink(temporary)
                return renamed ? nil : error(stage.backupPath, code, isInput: false)
            }
            try syncOrDiscardAll()
            // Copied backups (no hard links there) go under their names only once their bytes are durable.
            if staged.contains(where: \.backup.isCopy) {
                keep { stage in
                    guard case .copied(let temporary, _) = stage.backup, rename(temporary, stage.backupPath) != 0 else { return nil }
                    return error(stage.backupPath, errno, isInput: false)
                }
                try syncOrDiscardAll()
            }
            // 2. Every file is still as read, and its backup is the original.
            keep { $0.verify() }
            // 3. The new files over the originals.
            keep { rename($0.temporary, $0.target) == 0 ? nil : error($0.target, errno, isInput: false) }
            try syncAll()
            return results
        }
    }

    /// A file of a batch whose new content is written, not yet renamed.
    private struct StagedReplacement: Sendable {
        let index: Int
        let target: String
        let temporary: String
        let backup: Backup
        /// What must be at `target` when it is replaced.
        let expected: Expected

        var backupPath: String { target + ".bak" }

        /// Undoes staging: the temporary files go, and a backup staging created where there
        /// was none (a second name of the file, while it is still that file).
        func removeTemporaries() {
            unlink(temporary)
            if let temporary = backup.temporary { unlink(temporary) }
            if case .createdInPlace(let identity) = backup, (try? SafeFile.identity(of: backupPath)) == identity { unlink(backupPath) }
        }

        /// Nil when the file is still as read and its backup is the original; else why not
        /// (nothing is changed then).
        func verify() -> FileError? {
            if let failure = expected.verify(at: target) { return failure }
            let verified: Bool
            switch backup {
            case .none: return nil
            case .linked(let identity, _), .createdInPlace(let identity): verified = (try? SafeFile.identity(of: backupPath)) == identity
            case .copied(_, let original): verified = (try? SafeFile.read(backupPath, limit: Int64.max)) == original
            }
            return verified ? nil : FileError(path: backupPath, reason: .io("backup could not be verified; nothing was changed"), isInput: false)
        }
    }

    /// What a staged file's target must be when it is replaced: a file changed (or created)
    /// after it was read is left as it is, with its change, instead of being overwritten by
    /// content computed from what it was.
    private enum Expected: Sendable {
        /// The caller did not say what it read (no backup wanted): not checked.
        case unchecked
        /// Nothing was there.
        case absent
        /// The file with this identity.
        case file(IdentifiedContent.Identity)

        func verify(at target: String) -> FileError? {
            let changed: Bool
            switch self {
            case .unchecked: return nil
            case .absent:
                var info = stat()
                changed = lstat(target, &info) == 0 || errno != ENOENT
            case .file(let identity): changed = (try? SafeFile.identity(of: target)) != identity
            }
            return changed ? FileError(path: target, reason: .io("changed since it was read (saved by someone else meanwhile?); left as it is, nothing was changed"), isInput: false) : nil
        }
    }

    /// How a staged file's backup was made.
    private enum Backup: Sendable {
        /// No backup wanted, or no file to back up.
        case none
        /// The original itself, which had this identity when it was read: linked under a
        /// temporary name, renamed over an older `FILE.bak` by `finish` (nil: `FILE.bak`
        /// already is it, left by a killed run). An older backup is never touched before `finish`.
        case linked(IdentifiedContent.Identity, temporary: String?)
        /// The original linked as `FILE.bak` by staging, where there was no backup: nothing
        /// to rename, and undone if the file is not replaced.
        case createdInPlace(IdentifiedContent.Identity)
        /// A copy of these bytes, in a temporary file until the first sync.
        case copied(temporary: String, original: [UInt8])

        /// The file system of a linked backup, as its read saw it.
        var device: UInt64? {
            switch self {
            case .linked(let identity, _), .createdInPlace(let identity): identity.device
            case .none, .copied: nil
            }
        }

        var temporary: String? {
            switch self {
            case .none, .createdInPlace: nil
            case .linked(_, let temporary): temporary
            case .copied(let temporary, _): temporary
            }
        }

        var isCopy: Bool {
            if case .copied = self { return true }
            return false
        }
    }

    private static func stage(_ file: Replacement, index: Int, backup wanted: Bool) throws(FileError) -> StagedReplacement {
        let target = try resolvingLinks(file.path)
        removeStaleTemporaries(in: parentDirectory(of: target))
        var backup = Backup.none
        var original = file.original
        if wanted && original == nil { original = try readIdentifiedIfPresent(target, limit: Int64.max) }
        let expected: Expected = original.map { .file($0.identity) } ?? (wanted ? .absent : .unchecked)
        if wanted, let original {
            switch try linkBackup(of: target, as: original.identity) {
            case .linked(let temporary): backup = .linked(original.identity, temporary: temporary)
            case .created: backup = .createdInPlace(original.identity)
            case .alreadyInPlace: backup = .linked(original.identity, temporary: nil)
            case .unsupported:
                backup = .copied(temporary: try writeTemporary(original.bytes, beside: target + ".bak", mode: original.mode), original: original.bytes)
            }
        }
        do {
            return StagedReplacement(
                index: index, target: target, temporary: try writeTemporary(file.bytes, beside: target, mode: file.mode), backup: backup, expected: expected)
        } catch {
            if let temporary = backup.temporary { unlink(temporary) }
            if case .createdInPlace = backup { unlink(target + ".bak") }
            throw error
        }
    }

    private enum BackupLink {
        /// A hard link to the original under this temporary name beside `FILE.bak`.
        case linked(temporary: String)
        /// `FILE.bak` did not exist: it is now a hard link to the original.
        case created
        /// `FILE.bak` already is the original (a run killed after renaming it into place).
        case alreadyInPlace
        /// The file system has no hard links: the caller copies instead.
        case unsupported
    }

    /// Links `target` as `target + ".bak"` where there is none, else under a new temporary
    /// name beside it, for `finish` to rename over it: an older backup is not touched here.
    private static func linkBackup(of target: String, as identity: IdentifiedContent.Identity) throws(FileError) -> BackupLink {
        let backupPath = target + ".bak"
        if link(target, backupPath) == 0 { return .created }
        switch errno {
        case EEXIST: break
        case EXDEV, EPERM, EOPNOTSUPP, EMLINK, ENOSYS: return .unsupported
        case let code: throw error(backupPath, code, isInput: false)
        }
        if (try? self.identity(of: backupPath)) == identity { return .alreadyInPlace }
        // A random part: a killed run of a process with the same id (PID 1 in a container)
        // may have left this name, and its leftovers are not removed while the id is alive.
        for _ in 0..<8 {
            let temporary = parentDirectory(of: target) + "/." + fileName(of: backupPath) + temporaryMarker
                + "\(getpid())-link\(linkCounter.add(1, ordering: .relaxed).newValue)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            if link(target, temporary) == 0 { return .linked(temporary: temporary) }
            switch errno {
            case EEXIST: continue
            case EXDEV, EPERM, EOPNOTSUPP, EMLINK, ENOSYS: return .unsupported
            case let code: throw error(backupPath, code, isInput: false)
            }
        }
        throw FileError(path: backupPath, reason: .io("no free temporary name beside it; remove the .ctictl-tmp files there"), isInput: false)
    }

    private static let linkCounter = Atomic<Int>(0)

    /// Writes `bytes` into a new temporary file beside `path` (not synced); returns its path.
    private static func writeTemporary(_ bytes: [UInt8], beside path: String, mode: UInt32) throws(FileError) -> String {
        let (fd, temporary) = try createTemporary(beside: path)
        defer { close(fd) }
        do throws(FileError) {
            guard fchmod(fd, mode_t(mode)) == 0 else { throw error(path, errno, isInput: false) }
            try writeAll(bytes, to: fd, path: path)
        } catch {
            unlink(temporary)
            throw error
        }
        return temporary
    }

    /// The first of `directories` on each file system: what one syncfs each must be given.
    /// A directory's device is asked of the system unless the caller knows it (the file in it
    /// was just read).
    private static func oneDirectoryPerFileSystem(_ directories: [(path: String, device: UInt64?)]) -> [String] {
        var devices = Set<UInt64>(), seen = Set<String>(), chosen: [String] = []
        for directory in directories where seen.insert(directory.path).inserted {
            var device = directory.device
            if device == nil {
                var info = stat()
                guard stat(directory.path, &info) == 0 else { continue }
                device = UInt64(info.st_dev)
            }
            if let device, devices.insert(device).inserted { chosen.append(directory.path) }
        }
        return chosen
    }

    /// Where a write to `path` lands: symbolic links are followed (however many deep) to the
    /// file they point to, which need not exist yet. Replacing the link itself would quietly
    /// cut a keyring off from where the user keeps it.
    public static func resolvingLinks(_ path: String) throws(FileError) -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBufferPointer { readlink(current, UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) }
            guard count >= 0 else { throw error(current, errno, isInput: false) }
            let target = String(decoding: buffer[0..<count], as: UTF8.self)
            current = target.hasPrefix("/") ? target : parentDirectory(of: current) + "/" + target
        }
        throw FileError(path: path, reason: .io("too many levels of symbolic links"), isInput: false)
    }

    /// Checks, before anything that cannot be undone (a license signed and committed), that
    /// `path` can be written: its directory exists and is writable, and it is not a directory
    /// or anything else but a regular file. An existing file is refused unless `mayReplace`.
    public static func checkWritable(_ path: String, mayReplace: Bool) throws(FileError) {
        let target = try resolvingLinks(path)
        let directory = parentDirectory(of: target)
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw FileError(path: path, reason: .io("the directory \(directory) does not exist; create it or choose another path"), isInput: false)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw FileError(path: path, reason: .io("\(directory) is not a directory"), isInput: false)
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw FileError(path: path, reason: .io("the directory \(directory) is not writable; choose another path"), isInput: false)
        }
        guard stat(target, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw FileError(path: path, reason: .io("is a directory; give the path of the file to write"), isInput: false)
        }
        // A device or a pipe would be replaced by a file, or (as a backup) read forever.
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileError(path: path, reason: .io("is not a regular file (a device, pipe or socket); give the path of a file"), isInput: false)
        }
        if !mayReplace { throw FileError(path: path, reason: .alreadyExists, isInput: false) }
    }

    /// Checks that `path` is a writable directory (a batch's output folder).
    public static func checkWritableDirectory(_ path: String) throws(FileError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw error(path, errno, isInput: false) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw FileError(path: path, reason: .io("is not a directory; give a directory for the license files"), isInput: false)
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw FileError(path: path, reason: .io("the directory is not writable; choose another one"), isInput: false)
        }
    }

    #if os(Linux)
    /// Gives an O_TMPFILE file its name: by its descriptor (AT_EMPTY_PATH, which Linux allows
    /// unprivileged since 6.10; older kernels answer ENOENT), else through /proc/self/fd. When
    /// the first form is refused and the second works, that is remembered, so older kernels
    /// pay the extra call once.
    private static func linkUnnamed(_ fd: Int32, to path: String) -> Bool {
        if !emptyPathLinkRefused.load(ordering: .relaxed) {
            if linkat(fd, "", AT_FDCWD, path, atEmptyPath) == 0 { return true }
            guard [EPERM, EINVAL, ENOENT].contains(errno) else { return false }
            guard linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 else { return false }
            emptyPathLinkRefused.store(true, ordering: .relaxed)
            return true
        }
        return linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0
    }

    static let emptyPathLinkRefused = Atomic<Bool>(false)
    #endif

    /// Flushes everything written to the file system that holds `path` (one syncfs call).
    public static func syncFilesystem(containing path: String) throws(FileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error(path, errno, isInput: false) }
        defer { close(fd) }
        #if os(Linux)
        guard c_syncfs(fd) == 0 else { throw error(path, errno, isInput: false) }
        #else
        guard fsync(fd) == 0 else { throw error(path, errno, isInput: false) }
        #endif
    }

    /// Creates a directory (and its parents) if missing.
    public static func makeDirectory(_ path: String, mode: UInt32 = 0o755) throws(FileError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode_t(mode)) != 0 && errno != EEXIST {
                throw error(current, errno, isInput: false)
            }
        }
    }

    private static func writeReplacing(
        _ bytes: [UInt8], to path: String, mode: UInt32, exclusive: Bool = false, durable: Bool = true
    ) throws(FileError) {
        let directory = parentDirectory(of: path)
        removeStaleTemporaries(in: directory)
        let (fd, temporary) = try createTemporary(beside: path)
        var committed = false
        defer {
            if !committed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            guard fchmod(fd, mode_t(mode)) == 0 else { throw error(path, errno, isInput: false) }
            try writeAll(bytes, to: fd, path: path)
            if durable { guard fsync(fd) == 0 else { throw error(path, errno, isInput: false) } }
        }
        if exclusive {
            // link(2) fails if the target exists, so two writers can never both win.
            guard link(temporary, path) == 0 else { throw error(path, errno, isInput: false) }
            unlink(temporary)
        } else {
            guard rename(temporary, path) == 0 else { throw error(path, errno, isInput: false) }
        }
        committed = true
        guard durable else { return }
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// Creates (mkstemp) an empty temporary file beside `path`, named as below; returns its
    /// open descriptor and its path.
    private static func createTemporary(beside path: String) throws(FileError) -> (fd: Int32, path: String) {
        var template = Array("\(parentDirectory(of: path))/.\(fileName(of: path))\(temporaryMarker)\(getpid())-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw error(path, errno, isInput: false) }
        return (fd, String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// Temporary files are `.NAME.ctictl-tmp-PID-XXXXXX`: the process id says whose they are,
    /// so a later run can tell one that a killed run left behind from one being written.
    static let temporaryMarker = ".ctictl-tmp-"

    /// What a directory holds: its entries (not `.` and `..`), sorted by name, and how many
    /// names were left out because they are not UTF-8 (a copied tree may hold any bytes).
    public struct DirectoryListing: Sendable, Equatable {
        public let entries: [Entry]
        public let undecodableNames: Int

        public var names: [String] { entries.map(\.name) }

        /// A name, and what the directory says it is (nil: the file system does not say, ask
        /// `lstat`). A symbolic link is reported as a link, never as what it points to.
        public struct Entry: Sendable, Equatable {
            public let name: String
            public let kind: Kind?
        }

        public enum Kind: Sendable, Equatable {
            case directory, regularFile, symbolicLink, other
        }
    }

    /// Lists `directory` once; every reader of a folder goes through here.
    public static func list(_ directory: String) throws(FileError) -> DirectoryListing {
        guard let listing = opendir(directory) else {
            let code = errno
            throw code == ENOENT ? FileError(path: directory, reason: .notFound, isInput: true)
                : FileError(path: directory, reason: .io("cannot be read (\(String(cString: strerror(code))))"), isInput: true)
        }
        defer { closedir(listing) }
        var entries: [DirectoryListing.Entry] = []
        var undecodable = 0
        while let entry = readdir(listing) {
            let name: String? = withUnsafePointer(to: entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) { String(validatingCString: $0) }
            }
            guard let name else {
                undecodable += 1
                continue
            }
            if name != "." && name != ".." { entries.append(.init(name: name, kind: Self.kind(ofDirectoryEntryType: entry.pointee.d_type))) }
        }
        // A listing without leftovers of a killed run is as good as cleaning them away: a batch
        // writing into a directory its discovery has just listed need not list it again.
        if undecodable == 0 && !entries.contains(where: { temporaryOwner($0.name) != nil }) {
            cleanedDirectories.withLock { _ = $0.insert(directory) }
        }
        return DirectoryListing(entries: entries.sorted { $0.name < $1.name }, undecodableNames: undecodable)
    }

    private static func kind(ofDirectoryEntryType type: UInt8) -> DirectoryListing.Kind? {
        switch Int32(type) {
        case Int32(DT_DIR): .directory
        case Int32(DT_REG): .regularFile
        case Int32(DT_LNK): .symbolicLink
        case Int32(DT_UNKNOWN): nil
        default: .other
        }
    }

    /// The (UTF-8) names in `directory`, sorted.
    public static func fileNames(in directory: String) throws(FileError) -> [String] {
        try list(directory).names
    }

    /// Removes the temporary files in `directory` whose process no longer runs (a run killed
    /// between creating and renaming its temporary file). Once per directory and process: a
    /// directory is listed at most once, however many files are written into it.
    public static func removeStaleTemporaries(in directory: String) {
        guard cleanedDirectories.withLock({ $0.insert(directory).inserted }) else { return }
        for name in (try? fileNames(in: directory)) ?? [] {
            guard let pid = temporaryOwner(name), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(directory + "/" + name)
        }
    }

    /// The process that wrote temporary file `name`, if it is one of ours.
    static func temporaryOwner(_ name: String) -> pid_t? {
        guard name.hasPrefix("."), let marker = name.firstRange(of: temporaryMarker) else { return nil }
        let rest = name[marker.upperBound...]
        guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { return nil }
        return pid
    }

    private static let cleanedDirectories = Mutex<Set<String>>([])

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(FileError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc_write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw error(path, errno, isInput: false)
            }
            offset += written
        }
    }

    // Both work on UTF-8 bytes: '/' is ASCII, so its index is a valid String index, and
    // Character-wise scanning is measurably slow when a batch writes thousands of files.
    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last path component ("a/b/" names "b").
    public static func fileName(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.utf8.count > 1, trimmed.utf8.last == UInt8(ascii: "/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.utf8.lastIndex(of: UInt8(ascii: "/")) else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    static func error(_ path: String, _ code: Int32, isInput: Bool) -> FileError {
        switch code {
        case ENOENT: return FileError(path: path, reason: .notFound, isInput: isInput)
        case EACCES, EPERM: return FileError(path: path, reason: .permissionDenied, isInput: isInput)
        case EISDIR: return FileError(path: path, reason: .isDirectory, isInput: isInput)
        case EEXIST: return FileError(path: path, reason: .alreadyExists, isInput: isInput)
        default: return FileError(path: path, reason: .io(String(cString: strerror(code))), isInput: isInput)
        }
    }
}

// Named wrappers so the calls above are not shadowed by the static methods' names.
@inline(__always) private func Glibc_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

@inline(__always) private func Glibc_write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

#if os(Linux)
// syncfs(2) and O_TMPFILE are in glibc but not in the Glibc module (they need _GNU_SOURCE).
@_silgen_name("syncfs") private func c_syncfs(_ fd: Int32) -> Int32
/// __O_TMPFILE (the same value on every Linux architecture); O_TMPFILE adds O_DIRECTORY.
private let oTmpFile: Int32 = 0o20_000_000
private let atEmptyPath: Int32 = 0x1000
#endif
