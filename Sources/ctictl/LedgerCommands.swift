import ArgumentParser
import CTICore
import Ledger

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Look into the ledger of issued licenses.",
        subcommands: [List.self, Show.self, Verify.self])
}

extension LedgerCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the licenses issued, filtered; export them as JSON or CSV.")

        @Option(help: "Only this customer id.") var customer: String?
        @Option(help: "Only this product.") var product: String?
        @Option(help: "Only licenses that expire on or before this day (YYYY-MM-DD) or instant.") var expiringBefore: String?
        @Option(help: "Only this status: active, superseded, revoked.") var status: String?
        @Flag(help: "Write CSV (for spreadsheets) instead of the table.") var csv = false
        @OptionGroup var ledger: LedgerOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let ledger = try ledger.open()
            let filter = LicenseLedger.Filter(
                customerID: customer, product: product,
                expiringBefore: try expiringBefore.map { try DateArgument.endExclusive($0, option: "--expiring-before") }, status: status)
            let entries = try ledger.entries(matching: filter)
            if csv {
                Output.print(LedgerCSV.render(entries))
                return
            }
            switch output.format {
            case .json:
                struct Body: Encodable {
                    let ledger: String
                    let licenses: [LedgerEntry]
                }
                Output.json(Body(ledger: ledger.path, licenses: entries), schema: "ctictl.ledger-list/1")
            case .text:
                if entries.isEmpty {
                    Output.print("\(ledger.path): no licenses issued yet")
                    return
                }
                Output.print(TextTable.render(
                    header: ["SERIAL", "PRODUCT", "CUSTOMER", "SEATS", "ISSUED", "EXPIRES", "ORDER", "STATUS"],
                    rows: entries.map {
                        [$0.serial, $0.product, $0.customerID, String($0.seats), String(UTCTimestamp.format($0.issuedAt).prefix(10)),
                         $0.expiresAt.map { CivilDate(secondsSince1970: $0 - 1).description } ?? "perpetual", $0.orderID ?? "-", $0.status]
                    }))
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit chain and every license and revocation row against it; names each edited, inserted or deleted row.")

        @OptionGroup var ledger: LedgerOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let ledger = try ledger.open()
            let problems = try ledger.verify()
            switch output.format {
            case .json:
                struct Body: Encodable {
                    let ledger: String
                    let intact: Bool
                    let problems: [LedgerProblem]
                }
                Output.json(Body(ledger: ledger.path, intact: problems.isEmpty, problems: problems), schema: "ctictl.ledger-verify/1")
            case .text:
                if problems.isEmpty {
                    Output.print("\(ledger.path): intact (audit chain and every row check out)")
                } else {
                    Output.print("\(ledger.path): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
                    for problem in problems { Output.print(TerminalText.line("  \(problem.message) [\(problem.code)]")) }
                }
            }
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one license of the ledger, with its license text.")

        @Argument(help: "Serial, e.g. CTI-00000001.") var serial: String
        @OptionGroup var ledger: LedgerOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let ledger = try ledger.open()
            guard let entry = try ledger.entry(serial: serial) else {
                throw GenericCTIError(code: "ledger.serial-unknown", message: "\(ledger.path): no license with serial \(serial); see `ctictl ledger list`", kind: .invalid)
            }
            switch output.format {
            case .json:
                struct Body: Encodable {
                    let license: LedgerEntry
                    let text: String?
                }
                Output.json(Body(license: entry, text: entry.license?.text), schema: "ctictl.ledger-show/1")
            case .text:
                // One line per field, whatever a field holds (see TerminalText.joined).
                let fields = TerminalText.joined([
                    "serial:   \(entry.serial)",
                    "customer: \(entry.customerName.map { "\($0) (\(entry.customerID))" } ?? entry.customerID)",
                    "product:  \(entry.product), \(entry.seats) seat\(entry.seats == 1 ? "" : "s")",
                    "issued:   \(UTCTimestamp.format(entry.issuedAt)) with key \"\(entry.kid)\"",
                    "expires:  \(entry.expiresAt.map(UTCTimestamp.format) ?? "never (perpetual)")",
                    "order:    \(entry.orderID ?? "-")",
                    "status:   \(entry.status)",
                ])
                Output.print(fields + "\n\n" + (entry.license?.text ?? "(license text not readable)"))
            }
        }
    }
}
