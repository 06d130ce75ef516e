import Foundation
import Testing

/// Several `ctictl` processes issuing into one ledger at the same time: no shared serial, no
/// "database is locked".
@Suite struct ConcurrentIssueTests {
    @Test func parallelProcessesNeverShareASerial() throws {
        let tmp = try TemporaryDirectory()
        #expect(try CLI.run(["key", "generate", "--kid", "k", "--dir", tmp.path("keys")]).status == 0)
        let ledger = tmp.path("ledger.sqlite")
        let workers = 4
        let perWorker = 8
        let script = (0..<perWorker).map { index in
            "\"$CTICTL\" license issue --key \(tmp.path("keys/k.pem")) --product p --customer \"W$W\" --seats 1 --order-id \"W$W-\(index)\" --ledger \(ledger) --out \(tmp.path("W$W-\(index).lic")) --format json || exit 1"
        }.joined(separator: "\n")
        let results = try (0..<workers).map { worker in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", script]
            process.environment = ["CTICTL": CLI.executable, "W": String(worker), "PATH": "/usr/bin:/bin"]
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return (process, err)
        }.map { process, err in
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, stderr)
        }
        for (status, stderr) in results {
            #expect(status == 0, "\(stderr)")
            #expect(!stderr.contains("locked"))
        }
        let list = try CLI.run(["ledger", "list", "--ledger", ledger, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        let serials = (json["licenses"] as? [[String: Any]])?.compactMap { $0["serial"] as? String } ?? []
        #expect(serials.count == workers * perWorker)
        #expect(Set(serials).count == workers * perWorker)
        #expect(try CLI.run(["ledger", "verify", "--ledger", ledger]).status == 0)
    }
}
