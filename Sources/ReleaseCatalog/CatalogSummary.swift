import CTICore
import Crypto

/// What `ctictl --version` says about one catalog: the catalogs carry no version number of
/// their own, so a catalog is named by its newest release and the SHA-256 of its file
/// (the same as `sha256sum releases.json`).
public struct CatalogSummary: Sendable, Encodable {
    public let product: String
    public let sha256: String?
    public let releases: Int?
    public let newestRelease: String?
    public let newestReleaseDate: String?
    /// Why the catalog could not be read; the other members are then nil (or only the hash).
    public let problem: String?

    /// One summary per product folder of `directory`, sorted by product.
    public static func all(in directory: String) -> [CatalogSummary] {
        CatalogDirectory.products(in: directory).map { summary(product: $0, path: directory + "/" + $0 + "/releases.json") }
    }

    static func summary(product: String, path: String) -> CatalogSummary {
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(path, limit: ReleaseCatalog.fileLimit)
        } catch {
            return CatalogSummary(product: product, sha256: nil, releases: nil, newestRelease: nil, newestReleaseDate: nil, problem: error.message)
        }
        let hash = Hex.encode(SHA256.hash(data: bytes))
        do {
            let catalog = try ReleaseCatalog(jsonBytes: bytes, source: path)
            let newest = catalog.versionedReleases.last
            return CatalogSummary(
                product: product, sha256: hash, releases: catalog.releases.count, newestRelease: newest?.version?.description,
                newestReleaseDate: newest?.date.description, problem: nil)
        } catch {
            return CatalogSummary(product: product, sha256: hash, releases: nil, newestRelease: nil, newestReleaseDate: nil, problem: (error as? CTIError)?.message ?? "\(error)")
        }
    }

    /// One line: `datev-connector  13 releases, newest 2.6.1 of 2020-04-03  sha256 0123456789ab`.
    public var line: String {
        let content: String
        if let problem {
            content = "unreadable: \(problem)"
        } else if let releases, let newestRelease, let newestReleaseDate {
            content = "\(releases) releases, newest \(newestRelease) of \(newestReleaseDate)"
        } else {
            content = "no releases"
        }
        return "\(product)  \(content)" + (sha256.map { "  sha256 \($0.prefix(12))" } ?? "")
    }
}
