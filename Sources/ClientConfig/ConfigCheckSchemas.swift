import CTICore
import JSONSchema
import ReleaseCatalog

/// One release's settings schema (`config-schemas/<product>/<release>.schema.json`), compiled,
/// with the annotations the rules and the check read from its `properties`.
public struct SettingsSchema: Sendable {
    /// What the schema declares about one setting.
    public struct Declared: Sendable, Equatable {
        public let defaultValue: String?
        public let title: String?
        public let labelDE: String?
        public let since: Version?
        public let removed: String?
        /// `writeOnly`: a secret, whose value no message shows.
        public let secret: Bool
    }

    public let source: String
    public let release: Version?
    public let schema: JSONSchema
    public let properties: [String: Declared]
    /// The section the settings live in (`x-section`), nil when the schema does not say.
    public let section: String?
    /// `x-placeholder`: no setting of the product is known.
    public let isPlaceholder: Bool

    public init(jsonBytes: [UInt8], source: String) throws(CTIFailure) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(jsonBytes)
        } catch {
            throw CTIFailure(.configSchemaUnusable, "\(source): the settings schema is not valid JSON (\(error))")
        }
        schema = try JSONSchema(document: document, source: source)
        guard case let .object(top) = document else { throw CTIFailure(.configSchemaUnusable, "\(source): a settings schema is a JSON object") }
        func version(_ value: JSONValue?, _ what: String) throws(CTIFailure) -> Version? {
            guard case let .string(text)? = value else { return nil }
            do {
                return try Version(text)
            } catch {
                throw CTIFailure(.configSchemaUnusable, "\(source): \(what) \"\(text)\" is not a version")
            }
        }
        release = top["x-release"] == .string("0") ? nil : try version(top["x-release"], "x-release")
        section = top["x-section"]?.stringValue
        isPlaceholder = top["x-placeholder"] == .bool(true)
        var properties: [String: Declared] = [:]
        if case let .object(members)? = top["properties"] {
            for (name, value) in members {
                guard case let .object(facts) = value else { continue }
                properties[name] = Declared(
                    defaultValue: facts["default"]?.stringValue, title: facts["title"]?.stringValue,
                    labelDE: facts["x-label-de"]?.stringValue, since: try version(facts["x-since"], "properties.\(name).x-since"),
                    removed: facts["x-removed"]?.stringValue, secret: facts["writeOnly"] == .bool(true))
            }
        }
        self.properties = properties
        self.source = source
    }

    public init(contentsOf path: String) throws(CTIFailure) {
        guard SafeFile.exists(path) else {
            throw CTIFailure(.configSchemaUnusable, "\(path): the settings schema is missing; every configSchema of releases.json needs its file")
        }
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(path, limit: 1 << 20)
        } catch {
            throw CTIFailure(error)
        }
        try self.init(jsonBytes: bytes, source: path)
    }
}

/// A product's catalog, schemas and rules, as `config check` needs them.
public struct ProductSettings: Sendable {
    public let product: String
    public let catalog: ReleaseCatalog
    /// Every schema the catalog names (or `0` for a product without releases), oldest first.
    public let schemas: [(name: String, schema: SettingsSchema)]
    public let rules: ConfigRules

    private init(product: String, catalog: ReleaseCatalog, schemas: [(name: String, schema: SettingsSchema)], rules: ConfigRules) {
        self.product = product
        self.catalog = catalog
        self.schemas = schemas
        self.rules = rules
    }

    /// Reads `<directory>/<product>/`: releases.json, the schemas it names, rules.json. With
    /// `only`, a release the catalog lists with its schema, just that schema is read and
    /// compiled: the client's startup check knows its release, and compiling every schema of
    /// the product was most of its time (docs/performance.md).
    public static func load(product: String, from directory: String, only release: Version? = nil) throws -> ProductSettings {
        let catalog = try ReleaseCatalog.load(product: product, from: directory)
        let folder = try CatalogDirectory.productFolder(product, in: directory)
        return try build(product: product, catalog: catalog, only: release, rulesSource: "\(folder)/rules.json") { name throws(CTIFailure) in
            try SettingsSchema(contentsOf: "\(folder)/\(name).schema.json")
        } rules: { () throws(CTIFailure) in
            try ConfigRules(contentsOf: "\(folder)/rules.json")
        }
    }

    /// From the product's settings files as read and a catalog, without I/O: the client's
    /// startup check passes its *verified* release catalog, so which schema belongs to which
    /// release is signed too, and no catalog is parsed twice.
    public init(product: String, catalog: ReleaseCatalog, files: ProductSettingsFiles, only release: Version? = nil) throws(CTIFailure) {
        self = try Self.build(product: product, catalog: catalog, only: release, rulesSource: files.rules.name) { name throws(CTIFailure) in
            guard let document = files.schemas.first(where: { ProductSettingsFiles.schemaName(of: $0.name) == name }) else {
                throw CTIFailure(.configSchemaUnusable, "\(name).schema.json: the settings schema is missing; every configSchema of the release catalog needs its file")
            }
            return try SettingsSchema(jsonBytes: document.bytes, source: document.name)
        } rules: { () throws(CTIFailure) in
            try ConfigRules(jsonBytes: files.rules.bytes, source: files.rules.name)
        }
    }

    /// The catalog's schemas (just `only`'s when the catalog lists it), compiled, and the rules.
    private static func build(
        product: String, catalog: ReleaseCatalog, only release: Version?, rulesSource: String,
        schema: (String) throws(CTIFailure) -> SettingsSchema,
        rules readRules: () throws(CTIFailure) -> ConfigRules
    ) throws(CTIFailure) -> ProductSettings {
        var names: [String] = []
        for release in catalog.releases { if let name = release.configSchema, !names.contains(name) { names.append(name) } }
        if let release, let name = catalog.release(release)?.configSchema { names = [name] }
        if names.isEmpty { names = ["0"] }
        var schemas: [(name: String, schema: SettingsSchema)] = []
        for name in names { schemas.append((name, try schema(name))) }
        // `0` (no release) first, then by release.
        schemas.sort { a, b in b.schema.release.map { r in a.schema.release.map { $0 < r } ?? true } ?? false }
        let rules = try readRules()
        guard rules.product == product else {
            throw CTIFailure(.configRulesMalformed, "\(rulesSource): product is \"\(rules.product)\", not \"\(product)\"")
        }
        return ProductSettings(product: product, catalog: catalog, schemas: schemas, rules: rules)
    }

    /// Whether the product has catalogued releases (else one schema holds for any release).
    public var hasReleases: Bool { schemas.contains { $0.schema.release != nil } }

    /// The schema of `release`: the catalog's `configSchema` for it, else the newest schema not
    /// after it (the oldest for a release before every schema, and `0` for an unknown release).
    public func schema(for release: Version?) -> SettingsSchema {
        guard let release else { return schemas[schemas.count - 1].schema }
        if let row = catalog.releases.first(where: { $0.version == release }), let name = row.configSchema,
           let named = schemas.first(where: { $0.name == name }) {
            return named.schema
        }
        return schemas.last { $0.schema.release.map { $0 <= release } ?? true }?.schema ?? schemas[0].schema
    }

    /// The least release that holds every setting of `names` (their `x-since`), when that says
    /// more than the first schema does; nil when the settings do not tell.
    public func leastRelease(holding names: [String]) -> Version? {
        let first = schemas[0].schema.release
        var least: Version?
        for name in names {
            for (_, schema) in schemas {
                if let since = schema.properties[name]?.since, least.map({ since > $0 }) ?? true { least = since }
            }
        }
        guard let least, let first, least > first else { return nil }
        return least
    }
}

/// A product's settings files as read (every `*.schema.json` and `rules.json` of
/// `config-schemas/<product>/`), for a check that does no I/O of its own.
public struct ProductSettingsFiles: Sendable, Equatable {
    public var schemas: [InputDocument]
    public var rules: InputDocument

    public init(schemas: [InputDocument], rules: InputDocument) {
        self.schemas = schemas
        self.rules = rules
    }

    /// `2.6` for `…/2.6.schema.json`.
    static func schemaName(of path: String) -> String {
        String(SafeFile.fileName(of: path).dropLast(".schema.json".count))
    }

    /// Reads `<directory>/<product>/`: its schemas and rules (not the catalog).
    public static func read(product: String, from directory: String) throws(CTIFailure) -> ProductSettingsFiles {
        let folder = try CatalogDirectory.productFolder(product, in: directory)
        do {
            let schemas = try SafeFile.fileNames(in: folder).filter { $0.hasSuffix(".schema.json") && !$0.hasPrefix(".") }.map { name throws(FileError) in
                InputDocument(name: "\(folder)/\(name)", bytes: try SafeFile.read("\(folder)/\(name)", limit: 1 << 20))
            }
            let rules = InputDocument(name: "\(folder)/rules.json", bytes: try SafeFile.read("\(folder)/rules.json", limit: ConfigRules.fileLimit))
            return ProductSettingsFiles(schemas: schemas, rules: rules)
        } catch {
            throw CTIFailure(error)
        }
    }
}
