import Foundation
import Testing

/// The batch's progress bar, seen as a user sees it: on a terminal (a pseudo-terminal made by
/// script(1)), and not at all when the output goes to a pipe or a file.
@Suite struct BatchTerminalTests {
    let tmp: TemporaryDirectory

    init() throws {
        tmp = try TemporaryDirectory()
        let key = try CLI.run(["key", "generate", "--kid", "vendor-2026", "--dir", tmp.path("keys")])
        #expect(key.status == 0, "\(key.stderr)")
        try Data("order_id,customer_id,product,seats\nB-1,K-1,datev-connector,5\nB-2,K-2,datev-connector,3\nB-3,K-3,crm-groupware,1\n".utf8)
            .write(to: URL(fileURLWithPath: tmp.path("orders.csv")))
    }

    var arguments: [String] {
        ["license", "issue", "--batch", tmp.path("orders.csv"), "--key", tmp.path("keys/vendor-2026.pem"),
         "--out-dir", tmp.path("out"), "--ledger", tmp.path("ledger.sqlite")]
    }

    static let script = "/usr/bin/script"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: script), "needs script(1) (util-linux) to give ctictl a terminal"))
    func aTerminalShowsTheBarAndClearsIt() throws {
        let command = ([CLI.executable] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let result = try Process.runCapturing(Self.script, ["-qec", command, "/dev/null"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("issued [========================================]  3/3  100%"), "\(result.stdout)")
        #expect(result.stdout.contains("\r\u{1B}[K"))
        #expect(result.stdout.contains("3 issued"))
    }

    @Test func aPipeGetsNoBar() throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("["))
        #expect(result.stdout.contains("3 issued"))
    }
}

/// A batch whose files cannot all be written: the ledger keeps the licenses, the error says
/// so, and running the same batch again writes the files without issuing anything twice.
@Suite struct BatchFileFailureTests {
    @Test func aRerunWritesTheMissingFiles() throws {
        let tmp = try TemporaryDirectory()
        #expect(try CLI.run(["key", "generate", "--kid", "k", "--dir", tmp.path("keys")]).status == 0)
        try Data("order_id,customer_id,product,seats\nF-1,K-1,datev-connector,1\nF-2,K-2,datev-connector,2\nF-3,K-3,datev-connector,3\n".utf8)
            .write(to: URL(fileURLWithPath: tmp.path("orders.csv")))
        // Where the second license file should go, a directory with something in it.
        try FileManager.default.createDirectory(atPath: tmp.path("out/CTI-00000002.lic/x"), withIntermediateDirectories: true)
        let arguments = ["license", "issue", "--batch", tmp.path("orders.csv"), "--key", tmp.path("keys/k.pem"),
                         "--out-dir", tmp.path("out"), "--ledger", tmp.path("l.sqlite")]
        let failed = try CLI.run(arguments)
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("CTI-00000002.lic"), "\(failed.stderr)")
        #expect(failed.stderr.contains("The 3 license(s) of this run (CTI-00000001 to CTI-00000003) are committed to the ledger"), "\(failed.stderr)")
        // The new ledger is announced once; the error itself is one line.
        let lines = failed.stderr.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("ctictl: created a new ledger at "), "\(failed.stderr)")

        try FileManager.default.removeItem(atPath: tmp.path("out/CTI-00000002.lic"))
        let again = try CLI.run(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("3 existing"), "\(again.stdout)")
        for serial in ["CTI-00000001", "CTI-00000002", "CTI-00000003"] {
            #expect(FileManager.default.fileExists(atPath: tmp.path("out/\(serial).lic")))
        }
        #expect(try CLI.run(["ledger", "verify", "--ledger", tmp.path("l.sqlite")]).status == 0)
    }
}
