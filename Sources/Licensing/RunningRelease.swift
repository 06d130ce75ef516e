import CTICore
import ReleaseCatalog

extension VerificationContext {
    /// Checks as release `version` of `catalog`'s product. The catalog must have been verified
    /// (`SignedCatalog.verify`): its date decides the maintenance policy, and an editable file
    /// would let anyone backdate a release. The license must then be for that product, and a
    /// refusal can name the newest release the license still covers.
    public mutating func run(release version: Version, of catalog: ReleaseCatalog) throws {
        if let product, product != catalog.product {
            throw CTIFailure(.usageConflict, "the release catalog is \(catalog.product)'s, not that of the product asked for (\(product))")
        }
        let release = try catalog.requireRelease(version)
        product = catalog.product
        releaseDate = release.date
        releaseVersion = release.label
        publishedReleases = catalog.versionedReleases.map { PublishedRelease(version: $0.label, date: $0.date) }
    }
}
