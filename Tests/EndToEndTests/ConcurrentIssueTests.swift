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
            "\"$CTICTL\" license issue --key \(tmp.path("keys/k.pem")) --product datev-connector --customer \"W$W\" --seats 1 --order-id \"W$W-\(index)\" --ledger \(ledger) --out \(tmp.path("W$W-\(index).lic")) --format json || exit 1"
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

    /// Three batches of the same 1,200 orders (three transactions each) at once: every order
    /// issued exactly once, by whichever process got there first; the others report it as
    /// existing and write the very same files.
    @Test func parallelBatchesIssueEachOrderOnce() throws {
        let tmp = try TemporaryDirectory()
        #expect(try CLI.run(["key", "generate", "--kid", "k", "--dir", tmp.path("keys")]).status == 0)
        let ledger = tmp.path("ledger.sqlite")
        let rows = (0..<1_200).map { "O-\($0),K-\($0 % 37),datev-connector,\(1 + $0 % 9)" }
        try Data(("order_id,customer_id,product,seats\n" + rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: tmp.path("orders.csv")))
        let processes = try (0..<3).map { worker -> (Process, Pipe, Pipe) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLI.executable)
            process.arguments = ["license", "issue", "--batch", tmp.path("orders.csv"), "--key", tmp.path("keys/k.pem"),
                                 "--out-dir", tmp.path("out-\(worker)"), "--ledger", ledger, "--format", "json"]
            process.environment = ["HOME": CLI.scratchHome, "PATH": "/usr/bin:/bin"]
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            return (process, out, err)
        }
        var issued = 0
        for (process, out, err) in processes {
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
            let counts = try #require(report["counts"] as? [String: Int])
            #expect(counts["issued", default: 0] + counts["existing", default: 0] == 1_200, "\(counts)")
            issued += counts["issued", default: 0]
        }
        #expect(issued == 1_200)
        let list = try CLI.run(["ledger", "list", "--ledger", ledger, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        let licenses = try #require(json["licenses"] as? [[String: Any]])
        #expect(licenses.count == 1_200)
        #expect(Set(licenses.compactMap { $0["order_id"] as? String }).count == 1_200)
        #expect(try CLI.run(["ledger", "verify", "--ledger", ledger]).status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: tmp.path("out-0")).sorted()
        #expect(names.count == 1_200)
        for worker in 1..<3 {
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path("out-\(worker)")).sorted() == names)
        }
        for name in names.prefix(50) {
            let first = try Data(contentsOf: URL(fileURLWithPath: tmp.path("out-0/\(name)")))
            #expect(try Data(contentsOf: URL(fileURLWithPath: tmp.path("out-1/\(name)"))) == first)
            #expect(try Data(contentsOf: URL(fileURLWithPath: tmp.path("out-2/\(name)"))) == first)
        }
    }
}
