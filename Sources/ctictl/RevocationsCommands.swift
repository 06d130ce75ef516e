import ArgumentParser
import CTICore
import Ledger
import Licensing
import Signing

struct RevocationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revocations", abstract: "Export signed revocation lists for offline clients.",
        subcommands: [Export.self])
}

extension RevocationsCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign the list of all revoked serials with the next sequence number.")

        @OptionGroup var signing: SigningOptions
        @OptionGroup var ledger: LedgerOption
        @Option(help: "Where to write the revocation list.") var out: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let issuer = try signing.issuer()
            let kid = issuer.kid
            let ledger = try ledger.open()
            let exported = try ledger.exportRevocations(key: issuer.key, kid: kid, now: SystemClock.now())
            try SafeFile.write(Array(exported.text.utf8), to: out, mode: 0o644, backup: true)
            switch output.format {
            case .json:
                struct Body: Encodable {
                    let out: String
                    let seq: Int64
                    let serials: [String]
                }
                Output.json(Body(out: out, seq: exported.claims.seq, serials: exported.claims.revoked.map(\.jti)), schema: "ctictl.revocations-export/1")
            case .text:
                Output.print("Wrote revocation list \(exported.claims.seq) with \(exported.claims.revoked.count) serial\(exported.claims.revoked.count == 1 ? "" : "s"), signed by \"\(kid)\"\n  list: \(out)")
            }
        }
    }
}
