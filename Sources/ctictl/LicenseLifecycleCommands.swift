import ArgumentParser
import CTICore
import Ledger
import Licensing

/// Renewal and re-issue: a new license that names the one it supersedes.
struct SupersedeResult: Encodable {
    let supersedes: String
    let serial: String
    let out: String
}

enum Supersede {
    static func run(
        _ serial: String, signing: SigningOptions, products: ProductsOption, ledger option: LedgerOption, out: String, output: OutputOptions,
        verb: String, change: (inout LicenseRequest) -> Void
    ) throws {
        Output.format = output.format
        try LicenseOutput.check(out, option: "--out")
        let known = try products.known()
        let issuer = try signing.issuer()
        let ledger = try option.open()
        if let entry = try ledger.entry(serial: serial), let problem = known.problem(with: entry.product) {
            throw RequestRefused([problem], naming: .options)
        }
        let old: LedgerEntry, new: LedgerEntry
        do {
            (old, new) = try ledger.supersede(serial, with: issuer, now: SystemClock.now(), change: change)
        } catch let refused as RequestRefused {
            // The ledger checks with the claims' names; the user typed options.
            throw refused.named(.options)
        }
        guard let license = new.license else {
            throw CTIFailure(.ledgerCorrupt, "\(ledger.path): the row of \(new.serial) does not decode")
        }
        try LicenseOutput.write(license, serial: new.serial, to: out)
        switch output.format {
        case .json: Output.json(SupersedeResult(supersedes: old.serial, serial: new.serial, out: out), schema: "ctictl.license-\(verb)/1")
        case .text: Output.print("\(verb == "renew" ? "Renewed" : "Re-issued") \(old.serial) as \(new.serial) (\(old.serial) is now superseded)\n  license: \(out)")
        }
    }
}

extension LicenseCommand {
    struct Renew: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue the renewal of a license: same terms, new dates; the new license names the old one.")

        @Argument(help: "Serial of the license to renew.") var serial: String
        @OptionGroup var signing: SigningOptions
        @Option(help: "New end of validity (YYYY-MM-DD: valid through that day).") var expires: String?
        @Option(help: "New end of maintenance (YYYY-MM-DD).") var maintenanceUntil: String?
        @Option(help: "Order id of the renewal.") var orderID: String?
        @OptionGroup var products: ProductsOption
        @OptionGroup var ledger: LedgerOption
        @Option(help: "Where to write the new license.") var out: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            guard expires != nil || maintenanceUntil != nil else {
                throw CTIFailure(.usageNothingChanged, "a renewal needs a new --expires or --maintenance-until")
            }
            let newExpiry = try expires.map { try DateArgument.endExclusive($0, option: "--expires") }
            let newMaintenance = try maintenanceUntil.map { try DateArgument.day($0, option: "--maintenance-until") }
            try Supersede.run(serial, signing: signing, products: products, ledger: ledger, out: out, output: output, verb: "renew") { request in
                if let newExpiry { request.expires = newExpiry }
                if let newMaintenance { request.maintenanceUntil = newMaintenance }
                request.orderID = orderID
            }
        }
    }

    struct Reissue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-issue a license with changed terms (after a PBX change, more seats); the new license names the old one.")

        @Argument(help: "Serial of the license to replace.") var serial: String
        @OptionGroup var signing: SigningOptions
        @OptionGroup var pbx: PBXOptions
        @Option(name: .customLong("pbx-required"), help: "How many PBX factors must match.") var pbxRequired: Int?
        @Option(help: "New number of seats.") var seats: Int?
        @Option(name: .customLong("feature"), help: "The licensed features (replace the old list); repeat for several.") var features: [String] = []
        @Option(help: "New customer display name.") var customerName: String?
        @Option(help: "Order id of the re-issue.") var orderID: String?
        @OptionGroup var products: ProductsOption
        @OptionGroup var ledger: LedgerOption
        @Option(help: "Where to write the new license.") var out: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            let factors = pbx.factors
            if pbxRequired != nil && factors.isEmpty {
                throw CTIFailure(.usagePbxRequired, "--pbx-required needs the new factors: at least one of --pbx-id, --pbx-mac, --pbx-hostname")
            }
            try Supersede.run(serial, signing: signing, products: products, ledger: ledger, out: out, output: output, verb: "reissue") { request in
                if !factors.isEmpty { request.pbx = PBXBinding(factors: factors, required: pbxRequired) }
                if let seats { request.seats = seats }
                if !features.isEmpty { request.features = features.sorted() }
                if let customerName { request.customerName = customerName }
                request.orderID = orderID
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how the claims of two licenses differ (decoded without verifying; verify each to trust it).")

        @Argument(help: "The first license file.") var first: String
        @Argument(help: "The second license file.") var second: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let changes = ClaimDifference.between(try Self.claims(first), try Self.claims(second))
            switch output.format {
            case .json:
                struct Body: Encodable {
                    let first: String
                    let second: String
                    let changes: [ClaimDifference]
                }
                Output.json(Body(first: first, second: second, changes: changes), schema: "ctictl.license-diff/1")
            case .text:
                if changes.isEmpty {
                    Output.print("\(first) and \(second) grant the same (no claim differs)")
                } else {
                    Output.print(TextTable.render(header: ["CLAIM", first, second], rows: changes.map { [$0.claim, $0.first ?? "-", $0.second ?? "-"] }))
                }
            }
        }

        static func claims(_ file: String) throws -> LicenseClaims {
            let inspected: UnverifiedLicense
            do {
                inspected = try LicenseInspector.inspect(try InputFile.read(file))
            } catch let error as CTIFailure {
                throw error.naming(file)
            }
            guard let claims = inspected.claims else {
                throw CTIFailure(.licenseClaimsMalformed, "\(file): \(inspected.claimsError ?? "claims not readable")")
            }
            return claims
        }
    }
}
