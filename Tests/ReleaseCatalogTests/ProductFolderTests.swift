import CTICore
import ReleaseCatalog
import Testing

/// A product name from a request or a flag becomes a path in one place, and only a name does.
@Suite struct ProductFolderTests {
    @Test(arguments: ["datev-connector", "crm-groupware", "connector365-cti"])
    func productNamesAreFolders(product: String) throws {
        #expect(try CatalogDirectory.productFolder(product, in: "config-schemas") == "config-schemas/" + product)
    }

    @Test(arguments: ["../etc", "..", "/etc/passwd", "datev/../../x", "Datev-Connector", "", "-x", "datev connector", "datev\u{0}", String(repeating: "a", count: 65)])
    func anythingElseIsRefused(product: String) throws {
        #expect(throws: CTIFailure.self) { try CatalogDirectory.productFolder(product, in: "config-schemas") }
        #expect(throws: CTIFailure.self) { try ReleaseCatalog.load(product: product, from: "config-schemas") }
    }
}
