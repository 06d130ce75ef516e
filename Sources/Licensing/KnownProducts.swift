import CTICore

/// The products a license may name: the product folders of the release catalog
/// (`config-schemas/<product>/releases.json`), or the built-in list where no catalog is at
/// hand. A typo is refused with the nearest known name, before anything is signed.
public struct KnownProducts: Sendable, Equatable {
    public let names: [String]

    public init(_ names: [String]) {
        self.names = names.sorted()
    }

    /// The products ctictl ships catalogs for.
    public static let builtIn = KnownProducts(["connector365-cti", "crm-groupware", "datev-connector"])

    /// Nil when `product` is known; else a problem naming the known products and the nearest.
    public func problem(with product: String) -> ClaimProblem? {
        guard !names.contains(product) else { return nil }
        return ClaimProblem(.product, .unknownProduct(product, known: names, nearest: NearestName.closest(to: product, among: names)))
    }
}
