import CTICore
import ReleaseCatalog

/// What `ctictl --version` says. The commit is baked in by scripts/shipped-build.sh (used
/// by scripts/install.sh and bench.sh), which writes the git-ignored GeneratedBuildInfo.swift
/// and compiles with -DCTICTL_BUILD_INFO; a plain `swift build` has neither.
enum BuildInfo {
    static let version = "0.1.0"

    #if CTICTL_BUILD_INFO
    static let commit: String? = GeneratedBuildInfo.commit
    #else
    static let commit: String? = nil
    #endif

    /// The version, the build and the release catalogs this ctictl would use.
    static func report() -> String {
        var lines = ["ctictl \(version), " + (commit.map { "build \($0)" } ?? "unknown build (not built by scripts/install.sh)")]
        do {
            let directory = try CatalogDirectory.locate(option: nil)
            lines.append("release catalogs: \(directory.path) (\(directory.origin.rawValue))")
            let summaries = CatalogSummary.all(in: directory.path)
            lines += summaries.isEmpty ? ["  no product catalogs in it"] : summaries.map { "  " + $0.line }
        } catch let error as CTIError {
            lines.append("release catalogs: \(error.message)")
        } catch {
            lines.append("release catalogs: \(error)")
        }
        return lines.joined(separator: "\n")
    }
}
