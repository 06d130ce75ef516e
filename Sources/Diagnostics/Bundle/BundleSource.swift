import CTICore
import ClientConfig
import Foundation

/// One file a support bundle collects.
public struct BundleSource: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case config
        case log
        case license
    }

    public let kind: Kind
    /// Where it is read from.
    public let path: String
    /// Its name in the bundle before redaction (`configs/Users/anna/AppData/…/user.config`):
    /// relative, `/`-separated; the bundle writer redacts it like any text.
    public let name: String

    public init(kind: Kind, path: String, name: String) {
        self.kind = kind
        self.path = path
        self.name = Self.safeName(name)
    }

    /// A relative name with `/` between parts and no `..`, so no entry can point out of the
    /// folder it is unpacked into.
    static func safeName(_ name: String) -> String {
        name.replacingOccurrences(of: "\\", with: "/").split(separator: "/")
            .filter { $0 != "." && $0 != ".." && !$0.isEmpty }.joined(separator: "/")
    }

    /// What a doctor run looked at: the settings files (below `--root` and named with
    /// `--config`), the client log folders (each profile's `AppData/Roaming/DatevConnector/logs`
    /// below `--root`, and `--logs`), and the license. Names are unique.
    public static func collect(from context: DoctorContext) -> [BundleSource] {
        var sources: [BundleSource] = []
        var taken = Set<String>()
        func add(_ kind: Kind, _ path: String, _ name: String) {
            var unique = safeName(name)
            var counter = 2
            while taken.contains(unique) {
                unique = safeName(name) + "-\(counter)"
                counter += 1
            }
            taken.insert(unique)
            sources.append(BundleSource(kind: kind, path: path, name: unique))
        }
        if let root = context.profileRoot, let discovery = try? ConfigDiscovery(root: root) {
            for config in discovery.configs { add(.config, config.path, "configs/" + profileName(config.path, root: root)) }
        }
        var named = context.configFiles
        if let config = context.startup.members["config"]?.path { named.append(config) }
        for path in named where !sources.contains(where: { $0.path == path }) {
            add(.config, path, "configs/" + SafeFile.fileName(of: path))
        }
        if let root = context.profileRoot {
            for folder in profileLogFolders(root: root) {
                for file in files(in: folder) { add(.log, file, "logs/" + profileName(file, root: root)) }
            }
        }
        for folder in context.logDirectories {
            for file in files(in: folder) { add(.log, file, "logs/" + SafeFile.fileName(of: folder) + "/" + SafeFile.fileName(of: file)) }
        }
        if let license = context.startup.members["license"]?.path { add(.license, license, "license") }
        return sources
    }

    /// `Users/<user>/…` whether `root` holds the Users folder or is it: the profile folder's
    /// name then always stands after `Users/`, where the redaction learns it as a user name.
    private static func profileName(_ path: String, root: String) -> String {
        if let users = child(of: root, named: "users") { return "Users/" + relative(path, to: users) }
        return "Users/" + relative(path, to: root)
    }

    private static func relative(_ path: String, to root: String) -> String {
        let base = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : SafeFile.fileName(of: path)
    }

    /// `<root>/[Users/]<user>/AppData/Roaming/DatevConnector/logs`, Windows names in any case.
    private static func profileLogFolders(root: String) -> [String] {
        let users = child(of: root, named: "users").map { [$0] } ?? [root]
        var folders: [String] = []
        for users in users {
            for user in directories(in: users) {
                var folder: String? = user
                for part in ["appdata", "roaming", "datevconnector", "logs"] { folder = folder.flatMap { child(of: $0, named: part) } }
                if let folder { folders.append(folder) }
            }
        }
        return folders
    }

    private static func child(of folder: String, named name: String) -> String? {
        directories(in: folder).first { SafeFile.fileName(of: $0).lowercased() == name }
    }

    private static func directories(in folder: String) -> [String] {
        entries(in: folder).filter { isDirectory($0) }
    }

    /// The regular files directly in `folder`, by name.
    static func files(in folder: String) -> [String] {
        entries(in: folder).filter { path in
            guard let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType else { return false }
            return type == .typeRegular
        }
    }

    private static func entries(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { folder + "/" + $0 }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}
