import CTICore
import Diagnostics
import Foundation

/// `ctictl doctor`'s log scan (check logs.known-issues) over 1 GB of generated client logs,
/// against `cat` reading the same files to /dev/null, in the same run: how close the scan
/// comes to the raw read speed. The files are written to TMPDIR and removed afterwards.
enum LogScanBenchmark {
    static func run(megabytes: Int, rounds: Int, configSchemas: String) throws {
        let knownIssues = try KnownIssues(contentsOf: configSchemas + "/datev-connector/known-issues.json")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ctictl-log-scan-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SafeFile.makeDirectory(dir)
        let fileMegabytes = 64
        let block = logBlock()
        var paths: [String] = []
        for index in 0..<max(1, megabytes / fileMegabytes) {
            let path = "\(dir)/DatevConnector.\(index).log"
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw CTIFailure(.bench, "\(path): cannot be created")
            }
            for _ in 0..<(fileMegabytes << 20) / block.bytes.count { handle.write(Data(block.bytes)) }
            try handle.close()
            paths.append(path)
        }
        let blocksPerFile = (fileMegabytes << 20) / block.bytes.count
        let (files, _) = LogLocations.files(in: [dir])
        let bytes = files.reduce(0) { $0 + $1.bytes }
        let scanner = LogScanner(knownIssues: knownIssues)
        // Warm the page cache, then alternate, best of each.
        _ = ProcessBenchmark.spawn(["/bin/cat"] + paths)
        var catTimes: [Double] = [], scanTimes: [Double] = []
        var report: LogScanReport?
        for _ in 0..<rounds {
            catTimes.append(try BatchBenchmark.seconds {
                guard ProcessBenchmark.spawn(["/bin/cat"] + paths) == 0 else { throw CTIFailure(.bench, "cat failed") }
            })
            scanTimes.append(BatchBenchmark.seconds { report = scanner.scan(files) })
        }
        let expected = block.hits * blocksPerFile * paths.count
        guard let report, report.findings.reduce(0, { $0 + $1.count }) == expected, report.skipped.isEmpty else {
            throw CTIFailure(.bench, "the scan found \((report?.findings ?? []).map { "\($0.issue.code) \($0.count)" }), expected \(expected) entries")
        }
        let cat = catTimes.min() ?? 0, scan = scanTimes.min() ?? 0
        let megabyte = Double(1 << 20)
        print("logs: \(paths.count) files, \(bytes >> 20) MiB, directory \(dir); best of \(rounds)")
        print(String(format: "cat FILES > /dev/null:      %7.3f s  (%6.0f MiB/s)", cat, Double(bytes) / megabyte / cat))
        let peak = report.peakBufferBytes >> 10
        print(String(format: "LogScanner (%d issues):      %7.3f s  (%6.0f MiB/s), peak buffer %d KiB", knownIssues.issues.count, scan, Double(bytes) / megabyte / scan, peak))
        print(String(format: "ratio scan / cat: %.2f", scan / cat))
    }

    /// About 1 MiB of log lines as a client writes them: timestamps, German text with umlauts,
    /// a stack trace, and a known issue in every 500th line.
    static func logBlock() -> (bytes: [UInt8], hits: Int) {
        let lines = [
            "2019-09-13 10:15:42,123 [7] INFO  DatevConnector.Presence - Präsenz von Benutzer 4711 geändert: verfügbar",
            "2019-09-13 10:15:42,124 [7] DEBUG DatevConnector.Xmpp - <iq type='result' id='ping-42' from='starface.kanzlei.local'/>",
            "2019-09-13 10:15:42,130 [9] INFO  DatevConnector.Calls - Anruf von +49 911 1234567 an 201, Datenquelle DATEV_Adressaten",
            "2019-09-13 10:15:42,131 [9] WARN  DatevConnector.Datev - Kontakt mehrfach gefunden, Auswahldialog geöffnet",
            "   bei DatevConnector.Datev.ContactLookup.Resolve(String number)",
            "   bei DatevConnector.Calls.CallWindow.OnRinging(Object sender, EventArgs e)",
        ]
        let hit = "2019-09-13 10:15:43,000 [7] ERROR DatevConnector.Connection - Keine Verbindung möglich"
        var text = "", count = 0, hits = 0
        while text.utf8.count < 1 << 20 {
            if count % 500 == 499 {
                text += hit + "\r\n"
                hits += 1
            } else {
                text += lines[count % lines.count] + "\r\n"
            }
            count += 1
        }
        return (Array(text.utf8), hits)
    }
}
