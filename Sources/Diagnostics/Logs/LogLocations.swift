import CTICore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A log file to scan.
public struct LogFileInfo: Sendable, Equatable {
    public let path: String
    public let bytes: Int
    /// Seconds since 1970 (UTC).
    public let modified: Int64
}

/// Where the logs are: the log folders of every user below a copied profile tree, and the
/// files in them, newest first. Symbolic links are not followed (a copied tree is untrusted).
public enum LogLocations {
    /// The folders `relativePaths` (from known-issues.json) below each user's profile folder:
    /// `root` holds `Users`, or is the `Users` folder itself. Names match in any case, as on
    /// Windows.
    public static func folders(underProfileRoot root: String, relativePaths: [String]) -> [String] {
        let usersFolders = children(of: root, named: "users")
        var found: [String] = []
        for users in usersFolders.isEmpty ? [root] : usersFolders {
            for user in directories(in: users) {
                for relative in relativePaths {
                    var current = [user]
                    for component in relative.split(separator: "/") {
                        current = current.flatMap { children(of: $0, named: component.lowercased()) }
                    }
                    found += current
                }
            }
        }
        return found
    }

    /// The regular files of the folders (a path that is a file is taken as it is), newest
    /// first (by modification time, then by path); what cannot be read is skipped with why.
    public static func files(in paths: [String]) -> (files: [LogFileInfo], skipped: [SkippedLog]) {
        var files: [LogFileInfo] = []
        var skipped: [SkippedLog] = []
        for path in paths {
            var info = stat()
            guard lstat(path, &info) == 0 else {
                skipped.append(SkippedLog(path: path, reason: SafeFileErrors.error(path, errno).message))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                files.append(LogFileInfo(path: path, bytes: Int(info.st_size), modified: modificationTime(info)))
            case S_IFDIR:
                guard let names = entries(of: path) else {
                    skipped.append(SkippedLog(path: path, reason: "\(path): cannot be read (errno \(errno)); check its permissions"))
                    continue
                }
                for name in names {
                    let file = join(path, name)
                    var entry = stat()
                    if lstat(file, &entry) == 0, entry.st_mode & S_IFMT == S_IFREG {
                        files.append(LogFileInfo(path: file, bytes: Int(entry.st_size), modified: modificationTime(entry)))
                    }
                }
            default:
                skipped.append(SkippedLog(path: path, reason: "\(path): neither a folder nor a regular file (a symbolic link is not followed)"))
            }
        }
        files.sort { ($0.modified, $1.path) > ($1.modified, $0.path) }
        return (files, skipped)
    }

    private static func modificationTime(_ info: stat) -> Int64 {
        #if canImport(Darwin)
        return Int64(info.st_mtimespec.tv_sec)
        #else
        return Int64(info.st_mtim.tv_sec)
        #endif
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Subfolders (not links) whose name is `lowercaseName` in any case.
    static func children(of directory: String, named lowercaseName: String) -> [String] {
        (entries(of: directory) ?? []).filter { $0.lowercased() == lowercaseName }.map { join(directory, $0) }.filter(isDirectory)
    }

    private static func directories(in directory: String) -> [String] {
        (entries(of: directory) ?? []).map { join(directory, $0) }.filter(isDirectory)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// The names in a directory, sorted; nil if it cannot be read. Names that are not UTF-8
    /// are left out.
    private static func entries(of directory: String) -> [String]? {
        try? SafeFile.fileNames(in: directory)
    }
}
