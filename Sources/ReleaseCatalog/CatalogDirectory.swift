import CTICore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The folder of the release catalogs (`<dir>/<product>/releases.json`), and where it was
/// found. The places, in order (docs/release-catalog.md):
///
/// 1. `--catalog-dir DIR`;
/// 2. `$CTICTL_CONFIG_SCHEMAS`;
/// 3. `./config-schemas` (a support engineer working with a newer catalog);
/// 4. `../share/ctictl/config-schemas` from the executable's real directory (what
///    scripts/install.sh installs);
/// 5. `config-schemas` of the checkout the executable was built in (a folder with
///    Package.swift and config-schemas, up to five levels above it: development runs).
///
/// A folder named by the option or the variable is used or refused, never passed over.
public struct CatalogDirectory: Sendable, Equatable {
    public enum Origin: String, Sendable {
        case option = "--catalog-dir"
        case environment = "$CTICTL_CONFIG_SCHEMAS"
        case workingDirectory = "./config-schemas"
        case installed = "installed beside the executable"
        case checkout = "the checkout the executable was built in"
    }

    public let path: String
    public let origin: Origin

    public init(path: String, origin: Origin) {
        self.path = path
        self.origin = origin
    }

    /// `directory/<product>`: the one place a product name becomes a path. A product is a
    /// name of lower-case letters, digits and dashes, so a request's `../x` or `/etc` never
    /// reads outside the catalogs.
    public static func productFolder(_ product: String, in directory: String) throws(CTIFailure) -> String {
        let allowed = product.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        guard allowed, let first = product.utf8.first, first != 0x2D, product.utf8.count <= 64 else {
            throw CTIFailure(.catalogUnknownProduct, "\"\(TerminalText.line(product))\" is not a product name (lower-case letters, digits and dashes, like datev-connector)")
        }
        return directory + "/" + product
    }

    /// Finds the catalogs; the error names every directory it looked in.
    /// - Parameters:
    ///   - workingDirectory: where `./config-schemas` is looked for (the current directory).
    ///   - executable: the running program's path (nil: this process's, from the system).
    public static func locate(
        option: String?, environment: String? = EnvironmentVariables.value("CTICTL_CONFIG_SCHEMAS"),
        workingDirectory: String = ".", executable: String? = nil
    ) throws -> CatalogDirectory {
        if let option { return try explicit(option, origin: .option) }
        if let environment { return try explicit(environment, origin: .environment) }
        var looked: [String] = []
        let local = workingDirectory == "." ? "config-schemas" : join(workingDirectory, "config-schemas")
        if isDirectory(local) { return CatalogDirectory(path: local, origin: .workingDirectory) }
        looked.append(workingDirectory == "." ? "./config-schemas" : local)
        if let binDirectory = (executable ?? executablePath()).flatMap(realPath).map(parent) {
            let installed = join(parent(binDirectory), "share/ctictl/config-schemas")
            if isDirectory(installed) { return CatalogDirectory(path: installed, origin: .installed) }
            looked.append(installed)
            var directory = binDirectory
            for _ in 0..<5 {
                let candidate = join(directory, "config-schemas")
                if isDirectory(candidate) && SafeFile.exists(join(directory, "Package.swift")) {
                    return CatalogDirectory(path: candidate, origin: .checkout)
                }
                looked.append(candidate)
                guard directory != "/" else { break }
                directory = parent(directory)
            }
        }
        throw CTIFailure(.catalogNotFound, "no release catalogs found; looked in \(looked.joined(separator: ", ")); pass --catalog-dir DIR or set $CTICTL_CONFIG_SCHEMAS")
    }

    private static func explicit(_ path: String, origin: Origin) throws -> CatalogDirectory {
        guard isDirectory(path) else {
            let named = origin == .option ? "--catalog-dir \(path)" : "$CTICTL_CONFIG_SCHEMAS (\(path))"
            throw CTIFailure(.catalogNotFound, "\(named) is not a directory; point it at the folder that holds <product>/releases.json")
        }
        return CatalogDirectory(path: path, origin: origin)
    }

    /// The products of a catalog folder: its subfolders that hold a releases.json, sorted.
    public static func products(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted().filter { SafeFile.exists(directory + "/" + $0 + "/releases.json") }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func join(_ directory: String, _ name: String) -> String { directory.hasSuffix("/") ? directory + name : directory + "/" + name }

    /// `/a/b` → `/a`, `/a` → `/`.
    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The absolute path with every symbolic link resolved; nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// This process's executable, without Foundation.
    static func executablePath() -> String? {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #elseif canImport(Darwin)
        var size: UInt32 = 0
        _ = _NSGetExecutablePath(nil, &size)
        var buffer = [CChar](repeating: 0, count: Int(size) + 1)
        guard _NSGetExecutablePath(&buffer, &size) == 0 else { return nil }
        return String(cString: buffer)
        #else
        return nil
        #endif
    }
}
