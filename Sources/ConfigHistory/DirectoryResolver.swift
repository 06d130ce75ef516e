import CTICore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `realpath` of directories for a batch of files that share their upper directories (every
/// user's config below one root). `realpath` reads every component of every path again (nine
/// `readlink` calls per file below `Users/NAME/AppData/Roaming/DatevConnector`); this asks
/// `lstat` once per directory not seen before in the batch, and leaves links and anything
/// unusual (`.`, `..`, empty components) to `realpath`. Tested equal to `realpath`.
///
/// One resolver per batch: what it remembers is as old as the batch, no older.
final class DirectoryResolver: Sendable {
    private let known = Mutex<[String: String]>([:])

    /// The directory's absolute path with every link resolved, or nil when it cannot be told.
    func resolve(_ directory: String) -> String? {
        if let resolved = known.withLock({ $0[directory] }) { return resolved }
        let resolved = Self.isPlainAbsolute(directory) ? resolvePlain(directory) : Self.systemResolved(directory)
        if let resolved { known.withLock { $0[directory] = resolved } }
        return resolved
    }

    /// `/a/b/c`: its parent resolved, then `c` appended when `c` is a directory and no link.
    private func resolvePlain(_ directory: String) -> String? {
        guard directory != "/" else { return "/" }
        var info = stat()
        guard lstat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR,
              let parent = resolve(SafeFile.parentDirectory(of: directory))
        else { return Self.systemResolved(directory) }
        return (parent == "/" ? "" : parent) + "/" + SafeFile.fileName(of: directory)
    }

    /// Absolute, with no empty, `.` or `..` component.
    static func isPlainAbsolute(_ path: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        if path == "/" { return true }
        return !path.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).contains {
            $0.isEmpty || $0.elementsEqual(".".utf8) || $0.elementsEqual("..".utf8)
        }
    }

    static func systemResolved(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
