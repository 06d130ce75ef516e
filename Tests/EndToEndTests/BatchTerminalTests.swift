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
