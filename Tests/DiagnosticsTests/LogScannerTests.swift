import CTICore
import Diagnostics
import Foundation
import Testing

/// The ways a client log may be written: encodings, line ends, Unicode forms.
enum LogSpelling: String, CaseIterable, Sendable {
    case utf8, utf8BOM, utf16LE, utf16BE, utf16LENoBOM, utf16BENoBOM, windows1252, decomposed, crlf

    func encode(_ text: String) -> [UInt8] {
        switch self {
        case .utf8: return Array(text.utf8)
        case .utf8BOM: return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        case .utf16LE: return [0xFF, 0xFE] + Self.utf16(text, bigEndian: false)
        case .utf16BE: return [0xFE, 0xFF] + Self.utf16(text, bigEndian: true)
        case .utf16LENoBOM: return Self.utf16(text, bigEndian: false)
        case .utf16BENoBOM: return Self.utf16(text, bigEndian: true)
        case .windows1252: return text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        case .decomposed: return Array(text.decomposedStringWithCanonicalMapping.utf8)
        case .crlf: return Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        }
    }

    static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        text.utf16.flatMap { unit in bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    }
}

@Suite struct LogScannerTests {
    static let datev: KnownIssues = {
        do { return try ShippedData.knownIssues("datev-connector") } catch { fatalError("\(error)") }
    }()
    static let modified: Int64 = 1_700_000_000

    /// A log in which each signature of `issue` shows as .NET writes it: the first part in a line
    /// with a timestamp, the others in the stack trace lines after it.
    static func log(showing signature: LogSignature, at time: String = "2019-09-13 10:15:42,123") -> String {
        var lines = ["2019-09-13 10:15:40,001 [1] INFO  DatevConnector.App - Start, Benutzer Jürgen Müßig"]
        lines.append("\(time) [7] ERROR DatevConnector.Connection - Fehler: \(signature.parts[0])")
        for part in signature.parts.dropFirst() { lines.append("   bei \(part)()") }
        lines.append("2019-09-13 10:15:43,000 [1] INFO  DatevConnector.App - Wiederholung in 30 s")
        return lines.joined(separator: "\n") + "\n"
    }

    static var everySignature: [String] { datev.issues.flatMap { issue in issue.signatures.indices.map { "\(issue.code)#\($0)" } } }

    @Test(arguments: everySignature, LogSpelling.allCases)
    func everyFAQSignatureIsFoundInEveryEncoding(_ which: String, _ spelling: LogSpelling) throws {
        let code = String(which.split(separator: "#")[0]), index = Int(which.split(separator: "#")[1]) ?? 0
        let issue = try #require(Self.datev.issues.first { $0.code == code })
        guard spelling != .windows1252 || issue.signatures[index].parts.allSatisfy({ $0.unicodeScalars.allSatisfy { $0.value < 0x100 } }) else { return }
        let bytes = spelling.encode(Self.log(showing: issue.signatures[index]))
        for chunkSize in [16, 1 << 20] {
            let report = LogScanner(knownIssues: Self.datev, options: LogScanOptions(chunkSize: chunkSize)).scan(bytes: bytes, name: "client.log", modified: Self.modified)
            #expect(report.findings.map(\.issue.code) == [code], "\(which) \(spelling) chunk \(chunkSize)")
            #expect(report.findings.first?.count == 1)
            #expect(report.findings.first?.lastSeen == LogTime(seconds: 1_568_369_742, source: .local))
        }
    }

    @Test func detectsEachEncoding() {
        let scanner = LogScanner(knownIssues: Self.datev)
        let expected: [LogSpelling: LogEncoding] = [
            .utf8: .utf8, .utf8BOM: .utf8WithBOM, .utf16LE: .utf16LE, .utf16BE: .utf16BE, .utf16LENoBOM: .utf16LEWithoutBOM,
            .utf16BENoBOM: .utf16BEWithoutBOM, .windows1252: .utf8, .crlf: .utf8,
        ]
        for (spelling, encoding) in expected {
            let report = scanner.scan(bytes: spelling.encode("2019-09-13 10:15:42 Keine Verbindung möglich\n"), name: "l", modified: 0)
            #expect(report.scanned.first?.encoding == encoding, "\(spelling)")
        }
    }

    @Test func aLookAlikeWithoutUmlautOrWithAPartMissingIsNotFound() {
        let scanner = LogScanner(knownIssues: Self.datev)
        let text = """
            2019-09-13 10:15:42 Keine Verbindung moglich
            2019-09-13 10:15:43 OLE_E_NOTRUNNING
            2019-09-13 10:15:44 bei TAPI3Lib.TAPIClass.Initialize
            2019-09-13 10:15:45 Registering Buddy failed: 26263
            """
        #expect(scanner.scan(bytes: Array(text.utf8), name: "l", modified: 0).findings.isEmpty)
    }

    @Test func lettersMatchInAnyCaseButUmlautsOnlyAsWritten() {
        let scanner = LogScanner(knownIssues: Self.datev)
        let report = scanner.scan(bytes: Array("01.02.2020 08:00:00 KEINE VERBINDUNG MöGLICH\n".utf8), name: "l", modified: 0)
        #expect(report.findings.map(\.issue.code) == ["log.no-connection"])
        #expect(report.findings.first?.lastSeen == LogTime(seconds: 1_580_544_000, source: .local))
        #expect(scanner.scan(bytes: Array("KEINE VERBINDUNG MÖGLICH\n".utf8), name: "l", modified: 0).findings.isEmpty)
    }

    /// Every cut of the text into chunks finds the same: a signature split across a chunk
    /// boundary, a UTF-16 pair split across one, a line split across several.
    @Test(arguments: [LogSpelling.utf8, .utf16LE, .utf16BE, .crlf])
    func aSignatureSplitAcrossChunksIsFound(_ spelling: LogSpelling) {
        let text = """
            2020-03-01T09:00:00Z start 😀 Zugangsdaten nicht korrekt 😀
            2020-03-01T09:00:01Z System.Runtime.InteropServices.COMException (0x800401FB): OLE_E_NOTRUNNING 😀
               bei TAPI3Lib.TAPIClass.Initialize()
               bei DatevConnector.Tapi.Open()
            2020-03-01T09:00:02+01:00 Registering Buddy failed: 262631
            """
        let bytes = spelling.encode(text)
        let whole = LogScanner(knownIssues: Self.datev).scan(bytes: bytes, name: "l", modified: 0)
        #expect(whole.findings.map(\.issue.code) == ["log.credentials-rejected", "log.registering-buddy-failed", "log.tapi-not-running"])
        #expect(whole.findings.map(\.lastSeen) == [
            LogTime(seconds: 1_583_053_200, source: .zoned), LogTime(seconds: 1_583_049_602, source: .zoned), LogTime(seconds: 1_583_053_201, source: .zoned),
        ])
        for chunkSize in stride(from: 16, through: 200, by: 2) {
            let cut = LogScanner(knownIssues: Self.datev, options: LogScanOptions(chunkSize: chunkSize)).scan(bytes: bytes, name: "l", modified: 0)
            #expect(cut.findings == whole.findings, "\(spelling) chunk \(chunkSize)")
        }
    }

    @Test func partsInDifferentEntriesDoNotMakeASignatureAndAnEntryCountsOnce() {
        let text = """
            2020-03-01 09:00:00 OLE_E_NOTRUNNING
            2020-03-01 09:00:01 bei TAPI3Lib.TAPIClass.initialize
            2020-03-01 09:00:02 OLE_E_NOTRUNNING (0x800401FB) bei TAPI3Lib.TAPIClass.initialize, Keine Verbindung möglich, Keine Verbindung möglich
            2020-03-01 09:00:03 Keine Verbindung möglich

            2020-03-01 09:00:04 Keine Verbindung möglich
            """
        let report = LogScanner(knownIssues: Self.datev).scan(bytes: Array(text.utf8), name: "l", modified: 0)
        #expect(report.findings.map(\.issue.code) == ["log.no-connection", "log.tapi-not-running"])
        #expect(report.findings.map(\.count) == [3, 1])
    }

    @Test func anEntryEndsAfterItsLineLimitAndLinesWithoutTimeTakeTheFilesTime() {
        let filler = Array(repeating: "   bei X.Y()", count: 5).joined(separator: "\n")
        let text = "2020-03-01 09:00:00 OLE_E_NOTRUNNING\n\(filler)\n   bei TAPI3Lib.TAPIClass.initialize\nKeine Verbindung möglich\n"
        let long = LogScanner(knownIssues: Self.datev, options: LogScanOptions(entryLineLimit: 100)).scan(bytes: Array(text.utf8), name: "l", modified: 42)
        #expect(long.findings.map(\.issue.code) == ["log.no-connection", "log.tapi-not-running"])
        #expect(long.findings.map(\.lastSeen.source) == [.local, .local])
        let short = LogScanner(knownIssues: Self.datev, options: LogScanOptions(entryLineLimit: 3)).scan(bytes: Array(text.utf8), name: "l", modified: 42)
        #expect(short.findings.map(\.issue.code) == ["log.no-connection"])
        #expect(short.findings.first?.lastSeen == LogTime(seconds: 42, source: .fileModified))
        let untimed = LogScanner(knownIssues: Self.datev).scan(bytes: Array("Zugangsdaten nicht korrekt\n".utf8), name: "l", modified: 42)
        #expect(untimed.findings.first?.lastSeen == LogTime(seconds: 42, source: .fileModified))
    }

    @Test(arguments: [
        ("2026-11-24 13:35:28 x", LogTime(seconds: 1_795_527_328, source: .local)),
        ("2026-11-24T13:35:28Z x", LogTime(seconds: 1_795_527_328, source: .zoned)),
        ("[2026-11-24 13:35:28,123] x", LogTime(seconds: 1_795_527_328, source: .local)),
        ("2026-11-24T14:35:28.1234567+01:00 x", LogTime(seconds: 1_795_527_328, source: .zoned)),
        ("2026-11-24 12:05:28-0130 x", LogTime(seconds: 1_795_527_328, source: .zoned)),
        ("24.11.2026 13:35:28 x", LogTime(seconds: 1_795_527_328, source: .local)),
        ("24.11.2026 13:35:28,5 x", LogTime(seconds: 1_795_527_328, source: .local)),
        ("2026-02-30 13:35:28 x", nil),
        ("2026-11-24 24:00:00 x", nil),
        ("2026-11-24 13:35 x", nil),
        ("x 2026-11-24 13:35:28", nil),
        ("2026-11-24 13:35:28, x", nil),
    ] as [(String, LogTime?)])
    func theAcceptedTimestamps(_ line: String, _ time: LogTime?) {
        let text = "\(line) Zugangsdaten nicht korrekt\n"
        let report = LogScanner(knownIssues: Self.datev).scan(bytes: Array(text.utf8), name: "l", modified: 7)
        #expect(report.findings.first?.lastSeen == (time ?? LogTime(seconds: 7, source: .fileModified)), "\(line)")
    }

    @Test func aHugeLogIsReadInBoundedMemory() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("huge.log")
        // 50 MB of lines, one issue every 1000 lines, and a 4 MB line without a line feed.
        let line = Array("2020-03-01 09:00:00,000 [4] DEBUG DatevConnector.Presence - presence of user 4711 changed to available\n".utf8)
        let hit = Array("2020-03-01 09:30:00,000 [4] ERROR DatevConnector.Buddy - Registering Buddy failed: 262631\n".utf8)
        var block: [UInt8] = []
        for index in 0..<1000 { block += index == 500 ? hit : line }
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        var written = 0, blocks = 0
        while written < 50_000_000 {
            handle.write(Data(block))
            written += block.count
            blocks += 1
        }
        handle.write(Data(Array(repeating: UInt8(ascii: "x"), count: 4 << 20) + Array("Zugangsdaten nicht korrekt".utf8) + Array(repeating: UInt8(ascii: "y"), count: 1 << 20)))
        try handle.close()
        let options = LogScanOptions(chunkSize: 256 << 10, lineLimit: 64 << 10)
        let (files, skipped) = LogLocations.files(in: [directory.path])
        #expect(skipped.isEmpty && files.count == 1)
        let report = LogScanner(knownIssues: Self.datev, options: options).scan(files)
        #expect(report.findings.map(\.issue.code) == ["log.credentials-rejected", "log.registering-buddy-failed"])
        #expect(report.findings.map(\.count) == [1, blocks])
        #expect(report.scanned.first?.bytes ?? 0 > 55_000_000)
        #expect(report.peakBufferBytes <= options.chunkSize + 2 * options.lineLimit, "\(report.peakBufferBytes)")
        #expect(report.peakBufferBytes <= options.bufferLimit && options.bufferLimit < 1 << 20)
    }

    @Test func aUTF16LogStaysWithinTheBufferLimitToo() {
        var text = ""
        for index in 0..<40_000 { text += index % 1000 == 7 ? "2020-03-01 09:00:00 Zugangsdaten nicht korrekt 😀\r\n" : "2020-03-01 09:00:00 Präsenz geändert 😀\r\n" }
        let options = LogScanOptions(chunkSize: 64 << 10, lineLimit: 16 << 10)
        for spelling in [LogSpelling.utf16LE, .utf16BENoBOM] {
            let report = LogScanner(knownIssues: Self.datev, options: options).scan(bytes: spelling.encode(text), name: "l", modified: 0)
            #expect(report.findings.map(\.count) == [40], "\(spelling)")
            #expect(report.peakBufferBytes > options.chunkSize && report.peakBufferBytes <= options.bufferLimit, "\(spelling): \(report.peakBufferBytes)")
        }
    }

    @Test func filesAreReadNewestFirstAndTheNewestEntryIsTheLastSeen() throws {
        let directory = try TemporaryDirectory()
        let old = directory.path("DatevConnector.2019-09-12.log"), new = directory.path("DatevConnector.log"), untimed = directory.path("crash.txt")
        try Data("2019-09-12 08:00:00 Keine Verbindung möglich\n2019-09-12 17:00:00 Keine Verbindung möglich\n".utf8).write(to: URL(fileURLWithPath: old))
        try Data("2019-09-13 08:00:00 Keine Verbindung möglich\n2019-09-13 09:00:00 Zugangsdaten nicht korrekt\n".utf8).write(to: URL(fileURLWithPath: new))
        try Data("Keine Verbindung möglich\n".utf8).write(to: URL(fileURLWithPath: untimed))
        for (path, time) in [(old, 1_568_300_000), (new, 1_568_400_000), (untimed, 1_568_350_000)] {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: TimeInterval(time))], ofItemAtPath: path)
        }
        let (files, _) = LogLocations.files(in: [directory.path])
        #expect(files.map(\.path) == [new, untimed, old])
        let report = LogScanner(knownIssues: Self.datev).scan(files)
        #expect(report.scanned.map(\.path) == [new, untimed, old])
        let noConnection = try #require(report.findings.first { $0.issue.code == "log.no-connection" })
        #expect(noConnection.count == 4)
        #expect(noConnection.lastSeen == LogTime(seconds: 1_568_361_600, source: .local))
        #expect(noConnection.file == new)
        #expect(report.findings.first { $0.issue.code == "log.credentials-rejected" }?.lastSeen.seconds == 1_568_365_200)
    }
}
