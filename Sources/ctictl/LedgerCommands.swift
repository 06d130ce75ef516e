import ArgumentParser
import CTICore
import Foundation
import Ledger
import Signing

struct LedgerOption: ParsableArguments {
    @Option(name: .long, help: "The ledger database (else $CTICTL_LEDGER, else ~/.local/share/ctictl/ledger.sqlite).")
    var ledger: String?

    var path: String { LedgerLocation.resolve(explicit: ledger, environment: ProcessInfo.processInfo.environment) }

    /// The existing ledger; a missing one is an error (exit 65), and nothing is created.
    func open() throws -> LicenseLedger { try LicenseLedger(path: path, mode: .existing) }

    /// The ledger if there is one (a dry run looks, but creates nothing).
    func openIfExists() throws -> LicenseLedger? {
        SafeFile.exists(path) ? try open() : nil
    }

    /// For commands that issue: a path that does not exist becomes a new ledger, said once.
    func openCreating() throws -> LicenseLedger {
        let ledger = try LicenseLedger(path: path, mode: .createIfMissing)
        if ledger.wasCreated { Output.printError("ctictl: created a new ledger at \(ledger.path)") }
        return ledger
    }
}

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Look into the ledger of issued licenses.",
        subcommands: [List.self, Show.self, Verify.self, Checkpoint.self, Backup.self, Restore.self])
}

extension LedgerCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the licenses issued, filtered; export them as JSON or CSV.")

        @Option(help: "Only this customer id.") var customer: String?
        @Option(help: "Only this product.") var product: String?
        @Option(help: "Only licenses that expire on or before this day (YYYY-MM-DD) or instant.") var expiringBefore: String?
        @Option(help: "Only this status: active, superseded, revoked (as the audit chain records it).") var status: LicenseStatus?
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
                         $0.expiresAt.map { CivilDate(secondsSince1970: $0 - 1).description } ?? "perpetual", $0.orderID ?? "-", $0.status.rawValue]
                    }))
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit chain and every license and revocation row against it; names each edited, inserted or deleted row.",
            discussion: "With --checkpoint, also proves that the ledger still holds the chain head a signed checkpoint names (so the newest rows were not deleted).")

        @Option(help: "A signed checkpoint (`ledger checkpoint`) whose head the ledger must still hold.") var checkpoint: String?
        @Option(help: "Keyring that holds the checkpoint's signing key (else $CTICTL_KEYRING).") var keyring: String?
        @OptionGroup var ledger: LedgerOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let ledger = try ledger.open()
            let verified = try CheckpointOption.load(checkpoint, keyring: keyring)
            let problems = try ledger.verify(checkpoint: verified)
            switch output.format {
            case .json:
                struct Body: Encodable {
                    let ledger: String
                    let intact: Bool
                    let checkpoint: LedgerCheckpointClaims?
                    let problems: [LedgerProblem]
                }
                Output.json(Body(ledger: ledger.path, intact: problems.isEmpty, checkpoint: verified?.claims, problems: problems), schema: "ctictl.ledger-verify/1")
            case .text:
                if problems.isEmpty {
                    let head = verified.map { " and still holds the head of the checkpoint of \(UTCTimestamp.format($0.claims.iat)) (row \($0.claims.auditRows))" } ?? ""
                    Output.print("\(ledger.path): intact (audit chain and every row check out\(head))")
                } else {
                    Output.print("\(ledger.path): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
                    for problem in problems { Output.print(TerminalText.line("  \(problem.message) [\(problem.code)]")) }
                }
            }
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one license of the ledger, with its license text; --out writes its license file again, exactly as issued.")

        @Argument(help: "Serial, e.g. CTI-00000001.") var serial: String
        @Option(help: "Write the license file here (atomically; an existing file is kept as FILE.bak) instead of showing it.") var out: String?
        @OptionGroup var ledger: LedgerOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let ledger = try ledger.open()
            guard let entry = try ledger.entry(serial: serial) else {
                throw CTIFailure(.ledgerSerialUnknown, "\(ledger.path): no license with serial \(serial); see `ctictl ledger list`")
            }
            if let out {
                guard let license = entry.license else {
                    throw CTIFailure(.ledgerLicenseUnreadable, "\(ledger.path): the token of \(serial) does not decode; run `ctictl ledger verify`")
                }
                try SafeFile.write(license.textBytes, to: out, mode: 0o644, backup: true)
                switch output.format {
                case .json: Output.json(["serial": serial, "out": out, "status": entry.status.rawValue], schema: "ctictl.ledger-show-out/1")
                case .text: Output.print("Wrote the license file of \(serial) (\(entry.statusDescription)) to \(out)")
                }
                return
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
                    "status:   \(entry.statusDescription)",
                ])
                Output.print(fields + "\n\n" + (entry.license?.text ?? "(license text not readable)"))
            }
        }
    }
}

extension LedgerCommand {
    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign the audit chain's head (row count and hash), to prove later that no row was deleted.",
            discussion: "Keep the file away from the ledger (e.g. mail it to the accountant each month); `ledger verify --checkpoint FILE` checks it. See docs/ledger.md.")

        @OptionGroup var signing: SigningOptions
        @OptionGroup var ledger: LedgerOption
        @Option(help: "Where to write the checkpoint.") var out: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let issuer = try signing.issuer()
            let ledger = try ledger.open()
            let (text, claims) = try ledger.checkpoint(key: issuer.key, kid: issuer.kid, now: SystemClock.now())
            try SafeFile.write(Array(text.utf8), to: out, mode: 0o644, backup: true)
            switch output.format {
            case .json:
                struct Body: Encodable {
                    let out: String
                    let checkpoint: LedgerCheckpointClaims
                }
                Output.json(Body(out: out, checkpoint: claims), schema: "ctictl.ledger-checkpoint/1")
            case .text:
                Output.print("""
                    Signed the head of \(ledger.path) with "\(issuer.kid)": \(claims.auditRows) audit rows, \(claims.licenses) license\(claims.licenses == 1 ? "" : "s")\(claims.lastSerial.map { " (newest \($0))" } ?? "")
                      checkpoint: \(out)
                    """)
            }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the ledger consistently while others may write (SQLite's online backup), and check the copy.",
            discussion: "Never replaces an existing file. Restoring is described in docs/ledger.md.")

        @OptionGroup var ledger: LedgerOption
        @Option(help: "Where to write the copy (must not exist).") var out: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let ledger = try ledger.open()
            let summary = try ledger.backup(to: out)
            switch output.format {
            case .json: Output.json(summary, schema: "ctictl.ledger-backup/1")
            case .text:
                let state = summary.problems.isEmpty ? "the copy verifies" : "the copy has the ledger's \(summary.problems.count) problem\(summary.problems.count == 1 ? "" : "s"); run `ctictl ledger verify`"
                Output.print("Backed up \(ledger.path): \(summary.licenses) license\(summary.licenses == 1 ? "" : "s"), \(summary.auditRows) audit rows; \(state)\n  backup: \(out)")
            }
        }
    }
}

extension LedgerCommand {
    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a backup in the ledger's place: the backup must verify, the old ledger is moved aside, lost serials are never issued again.",
            discussion: "Stop everything that issues first. See docs/ledger.md (Backup and restore).")

        @Argument(help: "The backup (`ledger backup --out`).") var backup: String
        @Option(help: "The newest signed checkpoint, to know the serials issued after the backup.") var checkpoint: String?
        @Option(help: "Keyring that holds the checkpoint's signing key (else $CTICTL_KEYRING).") var keyring: String?
        @OptionGroup var ledger: LedgerOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let verified = try CheckpointOption.load(checkpoint, keyring: keyring)
            let summary = try LicenseLedger.restore(from: backup, to: ledger.path, checkpoint: verified, now: SystemClock.now())
            switch output.format {
            case .json: Output.json(summary, schema: "ctictl.ledger-restore/1")
            case .text:
                var lines = ["Restored \(summary.ledger) from \(summary.backup): \(summary.licenses) license\(summary.licenses == 1 ? "" : "s")"]
                if let previous = summary.previousLedger { lines.append("  the ledger it replaced: \(previous)") }
                if let lost = summary.lostSerials {
                    lines.append("  lost: \(LicenseLedger.serial(forRowID: lost.lowerBound))...\(LicenseLedger.serial(forRowID: lost.upperBound)) were issued after the backup; they are never issued again")
                }
                lines.append("  next serial: \(summary.nextSerial)")
                Output.print(lines.joined(separator: "\n"))
            }
        }
    }
}

/// A signed checkpoint named on the command line, verified before anything in it is used.
enum CheckpointOption {
    static func load(_ path: String?, keyring: String?) throws -> VerifiedCheckpoint? {
        guard let path else { return nil }
        guard let keyringPath = keyring ?? ProcessInfo.processInfo.environment["CTICTL_KEYRING"] else {
            throw CTIFailure(.usageKeyringMissing, "--checkpoint needs --keyring KEYRING (or $CTICTL_KEYRING) to check its signature")
        }
        return try LedgerCheckpointVerifier(keyring: try Keyring.load(keyringPath)).verify(try InputFile.read(path), source: path)
    }
}

extension LicenseStatus: ExpressibleByArgument {}

extension LedgerEntry {
    /// The status with what replaced or revoked the license, for people.
    var statusDescription: String {
        switch status {
        case .active: return "active"
        case .superseded: return "superseded by \(supersededBy ?? "a later license")"
        case .revoked:
            return "revoked" + (revokedAt.map { " at \(UTCTimestamp.format($0))" } ?? "") + (revocationReason.map { ": \($0)" } ?? "")
        }
    }
}
