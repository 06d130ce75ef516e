import ArgumentParser
import ClientConfig
import CTICore
import ReleaseCatalog
import Signing

/// The product and the catalog folder (found by `CatalogDirectory.locate`).
struct CatalogOptions: ParsableArguments {
    @Option(help: "The product, e.g. datev-connector.") var product: String
    @Option(help: "Folder of the catalogs (default: $CTICTL_CONFIG_SCHEMAS, ./config-schemas, then the installed catalogs).") var catalogDir: String?

    func directory() throws -> String { try CatalogDirectory.locate(option: catalogDir).path }

    func load() throws -> ReleaseCatalog { try ReleaseCatalog.load(product: product, from: try directory()) }
}

extension Language {
    /// The text of this language in a `LocalizedText`.
    var text: KeyPath<LocalizedText, String> { self == .de ? \.de : \.en }

    /// One of two texts written in place.
    func say(_ english: String, _ german: String) -> String { self == .de ? german : english }
}

func parseVersion(_ text: String, option: String) throws -> Version {
    do { return try Version(text) } catch { throw CTIFailure(.versionMalformedArgument, "\(option): \(error.message)") }
}

struct CompatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compat", abstract: "Which client, module, PBX and DATEV releases work together.",
        subcommands: [Check.self, Plan.self, Matrix.self])
}

extension CompatCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Is this combination supported? Exit 0 supported, 2 untested or fixed in a later release, 1 incompatible.")

        @OptionGroup var catalog: CatalogOptions
        @Option(help: "Installed client version.") var client: String
        @Option(help: "Installed STARFACE module version.") var module: Int?
        @Option(help: "PBX (STARFACE) version.") var pbx: String
        @Option(help: "DATEV Arbeitsplatz version.") var datev: String?
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let verdict = try CompatibilityChecker(catalog: try catalog.load()).check(
                client: try parseVersion(client, option: "--client"), module: module, pbx: try parseVersion(pbx, option: "--pbx"),
                datev: try datev.map { try parseVersion($0, option: "--datev") })
            switch output.format {
            case .json: Output.json(verdict, schema: "ctictl.compat-check/1")
            case .text: Output.print(verdict.lines(output.lang.text).joined(separator: "\n"))
            }
            if verdict.verdict != .supported { throw ExitCode(verdict.verdict.exitStatus) }
        }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The upgrade from an installed release to the newest one supported with this PBX (and DATEV), step by step.")

        @OptionGroup var catalog: CatalogOptions
        @Option(help: "Installed client version.") var from: String
        @Option(help: "PBX (STARFACE) version.") var pbx: String
        @Option(help: "DATEV Arbeitsplatz version.") var datev: String?
        @Option(help: "The users' profile folder, for the config migrate command of the settings step (default: the placeholder PROFILES).")
        var root: String?
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let productCatalog = try catalog.load()
            // The settings step: the product's migrations, named as `config migrate` runs them.
            let advice = MigrationAdvice(
                product: catalog.product, migrations: try MigrationSet.load(product: catalog.product, from: try catalog.directory()),
                releases: productCatalog.versionedReleases.compactMap(\.version), root: root, catalogDirectory: catalog.catalogDir)
            let plan = try UpgradePlanner(catalog: productCatalog, settings: advice).plan(
                from: try parseVersion(from, option: "--from"), pbx: try parseVersion(pbx, option: "--pbx"),
                datev: try datev.map { try parseVersion($0, option: "--datev") })
            switch output.format {
            case .json: Output.json(plan, schema: "ctictl.compat-plan/1")
            case .text: Output.print(plan.lines(output.lang.text).joined(separator: "\n"))
            }
            if plan.target == nil { throw ExitCode(1) }
        }
    }

    enum MatrixFormat: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, json
    }

    struct Matrix: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The whole compatibility matrix of a product (or, with --all and markdown, the page docs/compatibility.md).")

        @Option(help: "The product, e.g. datev-connector.") var product: String?
        @Flag(help: "Every product of the catalog folder.") var all = false
        @Option(help: "Folder of the catalogs (default: $CTICTL_CONFIG_SCHEMAS, ./config-schemas, then the installed catalogs).") var catalogDir: String?
        @Option(help: "text (default), markdown or json.") var format: MatrixFormat = .text
        @Option(help: "Language of the text table's headers: en or de.") var lang: Language = .en

        func run() throws {
            let directory = try CatalogDirectory.locate(option: catalogDir).path
            if all {
                guard format == .markdown else { throw CTIFailure(.usageMatrixAll, "--all renders the Markdown page: add --format markdown") }
                Output.print(CompatibilityPage.render(try CompatibilityPage.catalogs(in: directory)))
                return
            }
            guard let product else { throw CTIFailure(.usageMissing, "give --product P (or --all --format markdown)") }
            let matrix = CompatibilityMatrix(catalog: try ReleaseCatalog.load(product: product, from: directory))
            switch format {
            case .text: Output.print(matrix.text(lang.text))
            case .markdown: Output.print(matrix.markdown)
            case .json: Output.json(matrix, schema: "ctictl.compat-matrix/1")
            }
        }
    }
}

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Check, sign and verify release catalogs.",
        subcommands: [Lint.self, Sign.self, Verify.self])
}

extension CatalogCommand {
    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report the catalog's oddities (it never changes them). Exit 0 clean or only notes, 2 warnings, 1 errors.")

        @OptionGroup var catalog: CatalogOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let findings = CatalogLinter.lint(try catalog.load())
            switch output.format {
            case .json: Output.json(["findings": findings], schema: "ctictl.catalog-lint/1")
            case .text:
                if findings.isEmpty { Output.print("\(catalog.product): no findings") }
                for finding in findings {
                    Output.print("\(finding.severity.rawValue): \(finding.message[keyPath: output.lang.text]) [\(finding.code)]")
                }
            }
            switch findings.worstSeverity {
            case .error?: throw ExitCode(1)
            case .warning?: throw ExitCode(2)
            default: return
            }
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign a product's catalog for shipping (a JWS like a license).")

        @OptionGroup var catalog: CatalogOptions
        @OptionGroup var signing: SigningOptions
        @Option(help: "Where to write the signed catalog.") var out: String

        func run() throws {
            let issuer = try signing.issuer()
            let path = try CatalogDirectory.productFolder(catalog.product, in: try catalog.directory()) + "/releases.json"
            let text = try SignedCatalog.sign(catalogJSON: try SafeFile.read(path, limit: ReleaseCatalog.fileLimit), source: path, key: issuer.key, kid: issuer.kid)
            try SafeFile.write(Array(text.utf8), to: out, mode: 0o644, backup: true)
            Output.print("Signed \(path) with \"\(issuer.kid)\"\n  signed catalog: \(out)")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a signed catalog; with --out, write the verified catalog JSON (atomically).")

        @Argument(help: "Signed catalog file.") var file: String
        @OptionGroup var keyring: KeyringOption
        @Option(help: "Write the verified releases.json here.") var out: String?
        @Flag(help: "Accept catalogs signed by development keys (testing only).") var allowDevelopmentKeys = false

        func run() throws {
            let verified = try SignedCatalog.verify(
                try InputFile.read(file), keyring: try Keyring.load(try keyring.path()), source: file, allowDevelopmentKeys: allowDevelopmentKeys)
            if let out { try SafeFile.write(verified.json, to: out, mode: 0o644, backup: true) }
            Output.print("VALID: \(file) — release catalog of \(verified.catalog.product), \(verified.catalog.releases.count) releases, signed by \"\(verified.kid)\"" + (out.map { "\n  written to \($0)" } ?? ""))
        }
    }
}
