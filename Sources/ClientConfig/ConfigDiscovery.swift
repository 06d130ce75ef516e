import CTICore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a discovered user.config lies.
public enum ConfigLayout: String, Sendable, Equatable, Comparable {
    /// `Users/<name>/AppData/Roaming/DatevConnector/user.config` (the seed's FAQ).
    case roaming
    /// `Users/<name>/AppData/Local/<Company>/<App>_Url_<hash>/<version>/user.config`
    /// (.NET's own; `_StrongName_` instead of `_Url_` for signed applications).
    case dotNet

    public static func < (lhs: ConfigLayout, rhs: ConfigLayout) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One user's settings file found below a profile tree.
public struct DiscoveredConfig: Sendable, Equatable {
    /// The profile folder's name (the Windows user name).
    public let user: String
    public let path: String
    public let layout: ConfigLayout
    /// The .NET layout's company and application folders (`DatevConnector.exe_Url_1a2b...`).
    public let company: String?
    public let application: String?
    /// The .NET layout's version folder when it is a version (`2.6.1.0`): the client release
    /// that wrote the file.
    public let version: String?
}

/// A path below the root that was not searched, and why.
public struct SkippedPath: Sendable, Equatable {
    public let path: String
    public let reason: LocalizedText
}

/// Finds every user's settings file below a copied or mounted profile tree: `root` is a
/// Windows system drive (holding `Users`) or the `Users` folder itself. Windows folder names
/// match in any case. Symbolic links are followed only when they point inside the root.
/// Plain POSIX directory reading, no Foundation.
public struct ConfigDiscovery: Sendable {
    public let configs: [DiscoveredConfig]
    public let skipped: [SkippedPath]

    /// `runner` walks the users' profile folders (each its own piece: a terminal server's
    /// thousands of profiles are listed on every core by `config migrate`); the result is
    /// the same whichever runner walks them.
    public init(root: String, runner: BatchRunner = .serial) throws(CTIFailure) {
        let profiles = try ProfileFolders(root: root)
        let found = profiles.discover(0..<profiles.folders.count, runner: runner)
        self.init(configs: found.configs, skipped: (profiles.skipped + found.skipped).sorted { $0.path < $1.path })
    }

    init(configs: [DiscoveredConfig], skipped: [SkippedPath]) {
        self.configs = configs
        self.skipped = skipped
    }
}

/// Discovery's first step: the users' profile folders below the root, each walked on its
/// own afterwards — all at once (`ConfigDiscovery(root:)`), or a slice at a time by a batch
/// that migrates one slice while it discovers the next.
public struct ProfileFolders: Sendable {
    /// Sorted by user name, then path: the slices of `chunks(of:)`, walked in order, find the
    /// configs in `ConfigDiscovery`'s order.
    public let folders: [String]
    /// What listing the root and the `Users` folders skipped.
    public let skipped: [SkippedPath]
    private let walker: DirectoryWalker

    public init(root: String) throws(CTIFailure) {
        var walker = try DirectoryWalker(root: root)
        let usersFolders = walker.children(of: walker.root, named: "users")
        var folders: [String] = []
        for usersFolder in usersFolders.isEmpty ? [walker.root] : usersFolders { folders += walker.directories(in: usersFolder) }
        self.folders = folders.sorted { (DirectoryWalker.lastComponent(of: $0), $0) < (DirectoryWalker.lastComponent(of: $1), $1) }
        skipped = walker.skipped
        self.walker = walker.startingOver()
    }

    /// The configs below `folders[range]`, sorted as `ConfigDiscovery` sorts them, and what
    /// walking them skipped.
    public func discover(_ range: Range<Int>, runner: BatchRunner = .serial) -> ConfigDiscovery {
        let start = walker
        let walked = runner.map(Array(folders[range])) { folder in
            var folderWalker = start
            return (configs: folderWalker.configs(ofUser: folder), skipped: folderWalker.skipped)
        }
        return ConfigDiscovery(
            configs: walked.flatMap(\.configs).sorted { ($0.user, $0.layout, $0.path) < ($1.user, $1.layout, $1.path) },
            skipped: walked.flatMap(\.skipped).sorted { $0.path < $1.path })
    }

    /// Consecutive ranges of about `size` folders covering them all; a range never ends
    /// between two folders of one user name (a drive copied with both `Users` and `users`).
    public func chunks(of size: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        while start < folders.count {
            var end = min(start + max(size, 1), folders.count)
            while end < folders.count && DirectoryWalker.lastComponent(of: folders[end]) == DirectoryWalker.lastComponent(of: folders[end - 1]) { end += 1 }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }
}

/// The directory reading behind `ConfigDiscovery`: names, types, and the symlink rule.
private struct DirectoryWalker: Sendable {
    let root: String
    private let resolvedRoot: String
    var skipped: [SkippedPath] = []

    init(root: String) throws(CTIFailure) {
        var info = stat()
        guard stat(root, &info) == 0 else {
            let reason: FileError.Reason = errno == EACCES ? .permissionDenied : .notFound
            throw CTIFailure(FileError(path: root, reason: reason, isInput: true))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw CTIFailure.quoting(
                .configRootNotDirectory, "\(root): not a directory; --root takes the folder that holds Users (a copied or mounted system drive) or the Users folder",
                german: "\(root): kein Ordner; --root nimmt den Ordner, der Users enthält (ein kopiertes oder eingehängtes Systemlaufwerk), oder den Ordner Users selbst")
        }
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.resolvedRoot = Self.resolved(root) ?? root
    }

    /// The same walker with nothing recorded as skipped yet.
    func startingOver() -> DirectoryWalker {
        var walker = self
        walker.skipped = []
        return walker
    }

    /// Both layouts below one user's profile folder.
    mutating func configs(ofUser user: String) -> [DiscoveredConfig] {
        var found: [DiscoveredConfig] = []
        // AppData holds the roots of both layouts: each directory is listed once.
        for appData in children(of: user, named: "appdata") {
            let folders = directories(in: appData)
            func named(_ lowercaseName: String) -> [String] { folders.filter { Self.lastComponent(of: $0).lowercased() == lowercaseName } }
            let name = Self.lastComponent(of: user)
            found += roamingConfigs(of: name, in: named("roaming"))
            found += dotNetConfigs(of: name, in: named("local"))
        }
        return found
    }

    /// The seed's layout below a user's `AppData/Roaming` folders.
    mutating func roamingConfigs(of user: String, in roamingFolders: [String]) -> [DiscoveredConfig] {
        var found: [DiscoveredConfig] = []
        for roaming in roamingFolders {
            for folder in children(of: roaming, named: "datevconnector") {
                for file in files(in: folder, named: "user.config") {
                    found.append(DiscoveredConfig(user: user, path: file, layout: .roaming, company: nil, application: nil, version: nil))
                }
            }
        }
        return found
    }

    /// .NET's layout below a user's `AppData/Local` folders.
    mutating func dotNetConfigs(of user: String, in localFolders: [String]) -> [DiscoveredConfig] {
        var found: [DiscoveredConfig] = []
        for local in localFolders {
            for company in directories(in: local) {
                for application in directories(in: company) where Self.isDotNetApplicationFolder(Self.lastComponent(of: application)) {
                    for versionFolder in directories(in: application) {
                        let version = Self.lastComponent(of: versionFolder)
                        for file in files(in: versionFolder, named: "user.config") {
                            found.append(
                                DiscoveredConfig(
                                    user: user, path: file, layout: .dotNet, company: Self.lastComponent(of: company),
                                    application: Self.lastComponent(of: application), version: Self.isVersion(version) ? version : nil))
                        }
                    }
                }
            }
        }
        return found
    }

    /// `<App>_Url_<hash>` or `<App>_StrongName_<hash>`, in any case.
    static func isDotNetApplicationFolder(_ name: String) -> Bool {
        let lower = name.lowercased()
        for marker in ["_url_", "_strongname_"] {
            if let range = lower.firstRange(of: marker), range.lowerBound > lower.startIndex, range.upperBound < lower.endIndex { return true }
        }
        return false
    }

    /// Up to four dot-separated numbers, as .NET names the version folder.
    static func isVersion(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return (1...4).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.count <= 9 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    // MARK: - Directory entries

    enum EntryKind { case directory, file, other }

    /// Subdirectories whose name matches `lowercaseName` in any case.
    mutating func children(of directory: String, named lowercaseName: String) -> [String] {
        entries(of: directory).filter { $0.name.lowercased() == lowercaseName && $0.kind == .directory }.map(\.path)
    }

    mutating func directories(in directory: String) -> [String] {
        entries(of: directory).filter { $0.kind == .directory }.map(\.path)
    }

    mutating func files(in directory: String, named lowercaseName: String) -> [String] {
        entries(of: directory).filter { $0.name.lowercased() == lowercaseName && $0.kind == .file }.map(\.path)
    }

    /// The entries of a directory, sorted by name; links that leave the root, names that are
    /// not UTF-8 and unreadable directories are recorded as skipped.
    private mutating func entries(of directory: String) -> [(name: String, path: String, kind: EntryKind)] {
        let listing: SafeFile.DirectoryListing
        do {
            listing = try SafeFile.list(directory)
        } catch {
            skipped.append(SkippedPath(path: directory, reason: LocalizedText(
                en: "cannot be read; check its permissions", de: "nicht lesbar; prüfen Sie die Zugriffsrechte")))
            return []
        }
        for _ in 0..<listing.undecodableNames {
            skipped.append(SkippedPath(path: directory, reason: LocalizedText(
                en: "holds a name that is not UTF-8; not searched under that name",
                de: "enthält einen Namen, der kein UTF-8 ist; darunter wird nicht gesucht")))
        }
        return listing.entries.compactMap { entry in
            let path = directory.hasSuffix("/") ? directory + entry.name : directory + "/" + entry.name
            guard let kind = kind(of: path, listed: entry.kind) else { return nil }
            return (entry.name, path, kind)
        }
    }

    /// What the listing said, or for a link (or where the file system does not say) what
    /// `lstat` says: a link counts as what it points to if that lies inside the root;
    /// otherwise it is skipped.
    private mutating func kind(of path: String, listed: SafeFile.DirectoryListing.Kind?) -> EntryKind? {
        switch listed {
        case .directory: return .directory
        case .regularFile: return .file
        case .other: return .other
        case .symbolicLink, nil: break
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        if info.st_mode & S_IFMT == S_IFLNK {
            guard let target = Self.resolved(path), target == resolvedRoot || target.hasPrefix(resolvedRoot == "/" ? "/" : resolvedRoot + "/") else {
                skipped.append(SkippedPath(path: path, reason: LocalizedText(
                    en: "a symbolic link that leads out of the root; not followed", de: "ein symbolischer Link, der aus dem Wurzelordner hinausführt; nicht verfolgt")))
                return nil
            }
            guard stat(path, &info) == 0 else { return nil }
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        default: return .other
        }
    }

    private static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    static func lastComponent(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
