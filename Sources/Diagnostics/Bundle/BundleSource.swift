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
        // The Users folder, found once: every profile's files are named below it.
        let users = context.profileRoot.map { root in LogLocations.children(of: root, named: "users").first ?? root }
        if let root = context.profileRoot, let users, let discovery = try? ConfigDiscovery(root: root) {
            for config in discovery.configs { add(.config, config.path, "configs/" + profileName(config.path, users: users)) }
        }
        for path in context.configFiles where !sources.contains(where: { $0.path == path }) {
            add(.config, path, "configs/" + SafeFile.fileName(of: path))
        }
        // The log folders the log check scans, listed the same way: no symbolic link is
        // followed (a link in a copied tree must not pull another file into the bundle).
        if let root = context.profileRoot {
            let folders = LogLocations.folders(underProfileRoot: root, relativePaths: KnownIssuesCheck.logFolders(product: context.product, configSchemas: context.configSchemas))
            for file in LogLocations.files(in: folders).files.map(\.path).sorted() { add(.log, file, "logs/" + profileName(file, users: users ?? root)) }
        }
        for folder in context.logDirectories {
            for file in LogLocations.files(in: [folder]).files.map(\.path).sorted() {
                add(.log, file, "logs/" + SafeFile.fileName(of: folder) + "/" + SafeFile.fileName(of: file))
            }
        }
        if let license = context.startup.members["license"]?.path { add(.license, license, "license") }
        return sources
    }

    /// `Users/<user>/…` below `users` (the root's Users folder, or the root when it is one):
    /// the profile folder's name then always stands after `Users/`, where the redaction
    /// learns it as a user name.
    private static func profileName(_ path: String, users: String) -> String {
        "Users/" + relative(path, to: users)
    }

    private static func relative(_ path: String, to root: String) -> String {
        let base = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : SafeFile.fileName(of: path)
    }
}
