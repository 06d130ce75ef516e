import ArgumentParser
import CTICore
import Foundation
import Ledger
import Licensing
import ReleaseCatalog
import Signing

struct LicenseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "license", abstract: "Issue, verify and inspect licenses.",
        subcommands: [Issue.self, Verify.self, Inspect.self, Renew.self, Reissue.self, Diff.self, Revoke.self])
}

/// The PBX identity factors, as given on the command line.
struct PBXOptions: ParsableArguments {
    @Option(name: .customLong("pbx-id"), help: "The PBX's instance id.") var pbxID: String?
    @Option(name: .customLong("pbx-mac"), help: "The PBX's MAC address.") var pbxMAC: String?
    @Option(name: .customLong("pbx-hostname"), help: "The PBX's host name.") var pbxHostname: String?

    var factors: [PBXFactor] {
        [(PBXFactor.instanceID, pbxID), (PBXFactor.mac, pbxMAC), (PBXFactor.hostname, pbxHostname)]
            .compactMap { kind, value in value.map { PBXFactor(kind: kind, value: $0) } }
    }
}

/// The products a license may name: the product folders of the release catalogs (found as
/// `compat` finds them), else the built-in list.
struct ProductsOption: ParsableArguments {
    @Option(help: "Folder of the release catalogs; its product folders are the products a license may name (default: as for compat).")
    var catalogDir: String?

    func known() throws -> KnownProducts {
        let directory: String
        do {
            directory = try CatalogDirectory.locate(option: catalogDir).path
        } catch where catalogDir == nil {
            return .builtIn  // no catalogs anywhere: the products ctictl was built with
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { SafeFile.exists(directory + "/" + $0 + "/releases.json") }
        if names.isEmpty, let catalogDir {
            throw CTIFailure(.usageNoProducts, "--catalog-dir \(catalogDir): no product folder (PRODUCT/releases.json) in it")
        }
        return names.isEmpty ? .builtIn : KnownProducts(names)
    }
}

/// The license file of `issue`, `renew` and `reissue`: its path is checked before anything
/// is signed, and a write that still fails after the commit says how to get the file.
enum LicenseOutput {
    static func check(_ path: String, option: String) throws {
        do {
            try SafeFile.checkWritable(path, mayReplace: true)
        } catch {
            throw CTIFailure(.usageOutUnwritable, "\(option) \(error.message); nothing was issued")
        }
    }

    static func write(_ license: IssuedLicense, serial: String, to path: String) throws {
        do {
            try SafeFile.write(license.textBytes, to: path, mode: 0o644, backup: true)
        } catch {
            throw error.rephrased(
                "\(error.message). \(serial) is issued and recorded in the ledger; `ctictl ledger show \(serial) --out FILE` writes its license file (issuing again would make a second license)")
        }
    }
}

extension LicenseCommand {
    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a signed license (or a batch from CSV), recorded in the ledger before any file is written.")

        @OptionGroup var signing: SigningOptions
        @Option(help: "Product id, e.g. datev-connector.") var product: String?
        @Option(help: "Customer id (the license's subject).") var customer: String?
        @Option(help: "Customer display name.") var customerName: String?
        @Option(help: "Number of users (seats).") var seats: Int?
        @Option(name: .customLong("feature"), help: "A licensed feature; repeat for several.") var features: [String] = []
        @OptionGroup var pbx: PBXOptions
        @Option(name: .customLong("pbx-required"), help: "How many PBX factors must match (default: all given).") var pbxRequired: Int?
        @Option(help: "Valid from (YYYY-MM-DD or RFC 3339; default: now).") var notBefore: String?
        @Option(help: "Valid through this day (YYYY-MM-DD, UTC) or until an RFC 3339 instant; omit for perpetual.") var expires: String?
        @Option(help: "Releases published up to this day are covered (YYYY-MM-DD).") var maintenanceUntil: String?
        @Option(help: "Days the license keeps working after expiry, with a warning.") var graceDays: Int?
        @Option(help: "Order id; issuing the same order again returns the license already issued.") var orderID: String?
        @Option(help: "Issuer name in the license (iss).") var issuer: String = LicenseRequest.defaultIssuer
        @OptionGroup var products: ProductsOption
        @OptionGroup var ledger: LedgerOption
        @Option(help: "Where to write the license file (an existing one is kept as FILE.bak).") var out: String?
        @Option(help: "Issue one license per row of this CSV file (columns: docs/batch.md).") var batch: String?
        @Option(help: "With --batch: the directory for the license files (SERIAL.lic).") var outDir: String?
        @Flag(help: "With --batch: check every row and show what would be issued; issue nothing.") var dryRun = false
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            if let batch {
                let single = [("--product", product), ("--customer", customer), ("--out", out), ("--order-id", orderID)].filter { $0.1 != nil }
                if let option = single.first?.0 { throw CTIFailure(.usageBatchConflict, "\(option) cannot be combined with --batch; the CSV gives it per row") }
                try BatchIssue(file: batch, outDir: outDir, dryRun: dryRun, signing: signing, products: products, ledger: ledger, output: output).run()
                return
            }
            if dryRun || outDir != nil { throw CTIFailure(.usageBatchOnly, "--dry-run and --out-dir need --batch") }
            let request = try makeRequest()
            guard let out else { throw CTIFailure(.usageMissing, "--out FILE is required (where to write the license)") }
            // Everything that can be checked is checked before anything is signed or committed.
            let now = SystemClock.now()
            let problems = request.problems(at: now, products: try products.known())
            guard problems.isEmpty else { throw RequestRefused(problems, naming: .options) }
            try LicenseOutput.check(out, option: "--out")
            let issuer = try signing.issuer()
            let ledger = try ledger.openCreating()
            let outcome = try ledger.issue(request, with: issuer, now: now)
            let entry: LedgerEntry
            let isNew: Bool
            switch outcome {
            case let .issued(issued): (entry, isNew) = (issued, true)
            case let .alreadyIssued(existing): (entry, isNew) = (existing, false)
            }
            guard let license = entry.license else {
                throw CTIFailure(.ledgerCorrupt, "\(ledger.path): the row of \(entry.serial) does not decode; run `ctictl ledger verify`")
            }
            // The ledger row is committed; only now is the file written (atomically).
            try LicenseOutput.write(license, serial: entry.serial, to: out)
            let result = IssueResult(serial: entry.serial, new: isNew, orderID: entry.orderID, out: out, ledger: ledger.path, kid: entry.kid)
            switch output.format {
            case .json: Output.json(result, schema: "ctictl.license-issue/1")
            case .text:
                if isNew {
                    Output.print("Issued \(entry.serial) (\(entry.product), \(entry.seats) seat\(entry.seats == 1 ? "" : "s"), customer \(entry.customerID)), signed by \"\(entry.kid)\"\n  license: \(out)\n  ledger:  \(ledger.path)")
                } else {
                    Output.print("Order \(entry.orderID ?? "") was already issued as \(entry.serial) on \(UTCTimestamp.format(entry.issuedAt)); nothing new was issued.\n  license (unchanged): \(out)")
                }
            }
        }

        func makeRequest() throws -> LicenseRequest {
            guard let product, let customer, let seats else {
                let missing = [("--product", product == nil), ("--customer", customer == nil), ("--seats", seats == nil)].filter(\.1).map(\.0)
                throw CTIFailure(.usageMissing, "missing \(missing.joined(separator: ", ")) (or give --batch ORDERS.csv)")
            }
            let factors = pbx.factors
            if pbxRequired != nil && factors.isEmpty {
                throw CTIFailure(.usagePbxRequired, "--pbx-required needs at least one of --pbx-id, --pbx-mac, --pbx-hostname")
            }
            return LicenseRequest(
                issuer: issuer, customerID: customer, customerName: customerName, product: product, features: features, seats: seats,
                pbx: factors.isEmpty ? nil : PBXBinding(factors: factors, required: pbxRequired),
                notBefore: try notBefore.map { try DateArgument.start($0, option: "--not-before") },
                expires: try expires.map { try DateArgument.endExclusive($0, option: "--expires") },
                maintenanceUntil: try maintenanceUntil.map { try DateArgument.day($0, option: "--maintenance-until") },
                graceDays: graceDays, orderID: orderID)
        }
    }

    struct IssueResult: Encodable {
        let serial: String
        let new: Bool
        let orderID: String?
        let out: String
        let ledger: String
        let kid: String
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a license: signature against the keyring, then every policy.",
            discussion: "Exit status: 0 valid, 2 valid with warnings (e.g. grace period), 1 invalid, 64 usage error, 65 unreadable.")

        @Argument(help: "License file (armored or bare JWS); - for standard input.") var file: String
        @OptionGroup var keyring: KeyringOption
        @Option(help: "The product that must be licensed.") var product: String?
        @OptionGroup var pbx: PBXOptions
        @Option(help: "Check as of this date or instant instead of now (YYYY-MM-DD or RFC 3339).") var at: String?
        @Option(help: "Number of users with the product right; more than the seats fails.") var activeUsers: Int?
        @Option(help: "Publication date of the release being run (YYYY-MM-DD), for the maintenance policy.") var releaseDate: String?
        @Option(help: "Version of the release being run; its date comes from the signed release catalog given by --catalog.") var release: String?
        @Option(help: "The product's signed release catalog (from `ctictl catalog sign`), verified with the keyring.") var catalog: String?
        @Option(help: "A signed revocation list (from `ctictl revocations export`).") var revocations: String?
        @Option(help: "State file of this installation: latest time seen, highest revocation list (created if missing).") var state: String?
        @Option(name: .customLong("endorsement"), help: "A key endorsement (from `ctictl key endorse`); repeat for a chain.") var endorsements: [String] = []
        @Flag(help: "Accept licenses signed by development keys (testing only).") var allowDevelopmentKeys = false
        @Flag(help: "Show every policy with its verdict.") var explain = false
        @OptionGroup var output: OutputOptions

        func run() throws {
            try VerifyRun(
                file: file, keyring: try keyring.path(), product: product, pbxFactors: pbx.factors, at: at,
                activeUsers: activeUsers, releaseDate: releaseDate, release: release, catalog: catalog, revocations: revocations, state: state,
                endorsements: endorsements,
                allowDevelopmentKeys: allowDevelopmentKeys, explain: explain, format: output.format, language: output.lang
            ).run()
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a license in the ledger; it is listed in every revocation list exported afterwards.")

        @Argument(help: "Serial, e.g. CTI-00000001.") var serial: String
        @Option(help: "Why (kept in the ledger and the revocation list).") var reason: String
        @OptionGroup var ledger: LedgerOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let ledger = try ledger.open()
            try ledger.revoke(serial: serial, reason: reason, now: SystemClock.now())
            switch output.format {
            case .json: Output.json(["serial": serial, "status": "revoked"], schema: "ctictl.license-revoke/1")
            case .text: Output.print("Revoked \(serial). Export and ship a new revocation list: ctictl revocations export --key KEY.pem --out FILE")
            }
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode a license WITHOUT verifying it: shows what it claims, trusts nothing.")

        @Argument(help: "License file; - for standard input.") var file: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let inspected: UnverifiedLicense
            do {
                inspected = try LicenseInspector.inspect(try InputFile.read(file))
            } catch let error as CTIFailure {
                throw error.naming(file)
            }
            switch output.format {
            case .json: Output.json(inspected, schema: "ctictl.license-inspect/1")
            case .text: Output.print(InspectText.render(inspected, file: file))
            }
        }
    }
}

/// Reads an input file (or standard input for "-") with the size limit for text inputs.
enum InputFile {
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" { return try SafeFile.readStandardInput() }
        return try SafeFile.read(path)
    }
}
