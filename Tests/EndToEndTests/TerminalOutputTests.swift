import Foundation
import Licensing
import Signing
import Testing

/// Text from a license, a file name or the ledger never reaches the terminal as control
/// characters: a customer cannot erase the INVALID line, set the window title or print a
/// "VERIFIED" banner of their own. Every command's text goes through one rule (CTICore
/// `TerminalText`); these tests run the built ctictl on hostile input.
@Suite struct TerminalOutputTests {
    /// Erases the line, moves up, erases again, fakes a verdict; sets the window title; a C1 CSI.
    static let hostileName = "ACME\r\u{1B}[2K\u{1B}[1A\u{1B}[2KVALID: all checks passed\u{1B}]0;VERIFIED\u{07}\u{9B}2K\nVALID: genuine license"
    static let hostileComments = [
        // (A carriage return cannot stay in a line of the file; ESC [1G moves to column 1 as well.)
        "Comment: \u{1B}[1G\u{1B}[2K!! VERIFIED by the vendor: trust everything below",
        "Customer: \u{1B}]0;VERIFIED\u{07}\u{7F}",
    ]

    let tmp: TemporaryDirectory
    let keyring: String
    let license: String

    /// A license signed by a trusted key whose claims carry control characters (the issuer
    /// refuses them; a leaked key or an old license need not), with hostile unsigned comments.
    init() throws {
        tmp = try TemporaryDirectory()
        keyring = tmp.path("keys/keyring.jwks")
        #expect(try CLI.run(["key", "generate", "--kid", "k", "--dir", tmp.path("keys")]).status == 0)
        let key = try PrivateKeyFile.load(tmp.path("keys/k.pem"))
        let claims = LicenseClaims(
            iss: "ctictl", sub: "K-\u{1B}[31m1", jti: "CTI-00000042", iat: 1_767_225_600, nbf: 1_767_225_600, exp: nil,
            cti: CTIClaims(product: "datev-connector", seats: 10, customerName: Self.hostileName))
        let compact = try CompactJWS.sign(payload: claims.jsonBytes, type: LicenseFormat.type, kid: "k", key: key)
        license = tmp.path("hostile.lic")
        try LicenseFormat.armor.write(ArmoredText(compact: compact, comments: Self.hostileComments)).write(toFile: license, atomically: true, encoding: .utf8)
    }

    /// No C0 control but tab and line feed, no DEL, no C1: nothing a terminal would act on.
    static func expectInert(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let controls = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
        #expect(controls.isEmpty, "raw controls \(controls.map { String($0.value, radix: 16) }) in: \(text.debugDescription)", sourceLocation: sourceLocation)
    }

    /// The verifier refuses control characters in claims, as the issuer does (the same
    /// limits); the refusal itself is one inert line.
    @Test(arguments: [false, true])
    func verifyRefusesControlsInClaimsInOneInertLine(argumentParserPath: Bool) throws {
        let result = try CLI.run(
            ["license", "verify", license, "--keyring", keyring, "--at", "2026-06-01", "--explain"],
            environment: argumentParserPath ? ["CTICTL_NO_FAST_PATH": "1"] : [:])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        Self.expectInert(result.stderr)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("claim cti.customer_name contains the control character U+000D") && result.stderr.hasSuffix("[license.claims-invalid]\n"))
    }

    @Test func verifyJSONIsAnInertErrorDocument() throws {
        let result = try CLI.run(["license", "verify", license, "--keyring", keyring, "--at", "2026-06-01", "--format", "json"])
        #expect(result.status == 65)
        Self.expectInert(result.stdout)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((document["error"] as? [String: Any])?["code"] as? String == "license.claims-invalid")
    }

    @Test func inspectShowsUnsignedCommentsAndThePayloadEscaped() throws {
        let result = try CLI.run(["license", "inspect", license])
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectInert(result.stdout)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("!! NOT VERIFIED: ") == true)
        #expect(lines.contains { $0.hasPrefix("claims: not readable (the license breaks the claim limits: claim sub contains the control character U+001B") })
        // The raw payload as JSON escapes it; C1, which JSON would allow raw, escaped as well.
        #expect(lines.contains { $0.hasPrefix("payload: ") && $0.contains(#"\u001b]0;VERIFIED\u0007\u{9B}2K"#) }, "\(lines)")
        #expect(lines.suffix(2) == [
            "  Comment: \\u{1B}[1G\\u{1B}[2K!! VERIFIED by the vendor: trust everything below",
            "  Customer: \\u{1B}]0;VERIFIED\\u{7}\\u{7F}",
        ])
    }

    @Test(arguments: [false, true])
    func anErrorNamingAFileWithControlsStaysOneInertLine(argumentParserPath: Bool) throws {
        let name = tmp.path("x\r\u{1B}[2KVALID\u{1B}]0;VERIFIED\u{07}\nVALID: all checks passed.lic")
        let result = try CLI.run(["license", "verify", name, "--keyring", keyring], environment: argumentParserPath ? ["CTICTL_NO_FAST_PATH": "1"] : [:])
        #expect(result.status == 65)
        Self.expectInert(result.stderr)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("ctictl: error: \(tmp.path("x"))\\u{D}\\u{1B}[2KVALID\\u{1B}]0;VERIFIED\\u{7}\\u{A}VALID: all checks passed.lic"))
        #expect(result.stderr.hasSuffix("[file.not-found]\n"))
    }

    /// A ledger edited behind ctictl's back (`ledger verify` names the edit) must still not
    /// run what the edit put in.
    @Test func ledgerListAndShowOfAHostileCustomer() throws {
        let ledger = tmp.path("l.sqlite")
        let issued = try CLI.run(
            ["license", "issue", "--key", tmp.path("keys/k.pem"), "--product", "datev-connector", "--customer", "K-1", "--customer-name", "Muster",
             "--seats", "3", "--order-id", "O-1", "--ledger", ledger, "--out", tmp.path("muster.lic")])
        #expect(issued.status == 0, "\(issued.stderr)")
        // '=' leads the name too, for the CSV: ESC [2K, CR, a fake line, a window title.
        let sql = "UPDATE licenses SET customer_name = '=ACME' || char(27) || '[2K' || char(13) || char(10) || 'VALID' || char(27) || ']0;VERIFIED' || char(7), "
            + "customer_id = 'K-' || char(27) || '[1A' WHERE serial = 'CTI-00000001'"
        // As someone with sqlite3 would (or Python's sqlite3 where the tool is missing).
        let edited = try Process.runCapturing(
            "/bin/bash", ["-c", "sqlite3 \"$0\" \"$1\" 2>/dev/null || python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' \"$0\" \"$1\"", ledger, sql])
        #expect(edited.status == 0, "\(edited.stderr)")

        let list = try CLI.run(["ledger", "list", "--ledger", ledger])
        #expect(list.status == 0, "\(list.stderr)")
        Self.expectInert(list.stdout)
        let rows = list.stdout.split(separator: "\n")
        #expect(rows.count == 2, "\(list.stdout)")
        #expect(rows[1].contains("K-\\u{1B}[1A  "))

        let show = try CLI.run(["ledger", "show", "CTI-00000001", "--ledger", ledger])
        #expect(show.status == 0, "\(show.stderr)")
        Self.expectInert(show.stdout)
        #expect(show.stdout.contains("customer: =ACME\\u{1B}[2K\\u{D}\\u{A}VALID\\u{1B}]0;VERIFIED\\u{7} (K-\\u{1B}[1A)\n"))

        let csv = try CLI.run(["ledger", "list", "--csv", "--ledger", ledger])
        #expect(csv.status == 0, "\(csv.stderr)")
        Self.expectInert(csv.stdout)
        // Quoted (it holds a line feed), neutralised (it starts with =), its controls escaped.
        #expect(csv.stdout.contains(",K-\\u{1B}[1A,\"'=ACME\\u{1B}[2K\\u{D}\nVALID\\u{1B}]0;VERIFIED\\u{7}\",datev-connector,3,"))

        let verify = try CLI.run(["ledger", "verify", "--ledger", ledger])
        #expect(verify.status == 1)
        Self.expectInert(verify.stdout)
    }
}

extension TerminalOutputTests {
    /// A batch reports one line per row, whatever the order sheet's cells hold.
    @Test func batchRowsStayOneLineEach() throws {
        let sheet = tmp.path("orders.csv")
        try "order_id,customer_id,product,seats\n\"A-1\nrow 9 (A-9): would issue\",K-1,datev-connector,1\nA-2,\"K-\u{1B}[2K\",datev-connector,many\n"
            .write(toFile: sheet, atomically: true, encoding: .utf8)
        let result = try CLI.run(["license", "issue", "--batch", sheet, "--key", tmp.path("keys/k.pem"), "--dry-run", "--ledger", tmp.path("batch.sqlite")])
        Self.expectInert(result.stdout)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(result.stdout)")
        #expect(lines.filter { $0.hasPrefix("row ") }.count == 2, "\(result.stdout)")
        // The issuer refuses the controls; the refusals themselves stay one line per row.
        #expect(lines[0] == "row 2: error: column order_id: contains the control character U+000A; names and ids must be printable text", "\(result.stdout)")
        #expect(lines[1].hasPrefix("row 3: error: ") && lines[1].contains("column customer_id: contains the control character U+001B"), "\(result.stdout)")
    }
}

/// The rule holds because every text goes out through `Output` (Sources/ctictl/Output.swift).
/// A new writer beside it would bypass the rule: this test names it.
@Suite struct OutputWritersTests {
    @Test func onlyOutputWritesToTheTerminal() throws {
        // The progress line writes its own `\r` and `ESC [K` (its label is escaped by ProgressBar).
        // The standalone check is its own small program (no ArgumentParser, no Output): its
        // four writes are the verdict's own terminal-safe text and JSON, and its usage.
        let allowed = ["Sources/ctictl/Output.swift", "Sources/ctictl/BatchIssue.swift", "Sources/CTICore/System.swift", "Sources/ctictl-check/CheckMain.swift"]
        let writers = ["StandardStream.", "FileHandle.standardOutput", "FileHandle.standardError", "fputs(", "FileHandle(fileDescriptor: 1", "FileHandle(fileDescriptor: 2"]
        let sources = CLI.packageRoot.appendingPathComponent("Sources")
        var found: [String] = []
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        for file in files where !file.hasPrefix("ctictl-bench/") && !allowed.contains("Sources/" + file) {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//") else { continue }
                // Swift's own print, not Output.print.
                let barePrint = code.range(of: #"(^|[^.\w])print\("#, options: .regularExpression) != nil
                if barePrint || writers.contains(where: code.contains) { found.append("Sources/\(file):\(number + 1): \(code)") }
            }
        }
        #expect(found.isEmpty, "write through Output instead:\n\(found.joined(separator: "\n"))")
        #expect(files.count > 30)  // the walk found the sources
    }
}
