import CTICore

/// How the scanner reads: its buffers hold at most `bufferLimit` bytes, whatever the logs' size.
public struct LogScanOptions: Sendable {
    /// Bytes read at a time, from the end of a file backwards.
    public var chunkSize: Int
    /// The longest line kept whole; a longer line is searched in pieces (a part is still
    /// found across a cut).
    public var lineLimit: Int
    /// The most lines one entry spans: a longer run of lines without a timestamp is cut.
    public var entryLineLimit: Int

    public init(chunkSize: Int = 1 << 20, lineLimit: Int = 64 << 10, entryLineLimit: Int = 100) {
        self.chunkSize = max(chunkSize, 16) & ~1
        self.lineLimit = max(lineLimit, KnownIssues.partBytesMaximum)
        self.entryLineLimit = max(entryLineLimit, 1)
    }

    /// The most the buffers hold: a chunk of text and the start of a line carried over from
    /// the chunk after it, and appended to it (`chunkSize + 2 * lineLimit` for UTF-8); for
    /// UTF-16 the raw chunk (a unit longer where it would cut a pair) besides its UTF-8, up to
    /// 1.5 times as long.
    public var bufferLimit: Int { (chunkSize + 2) * 5 / 2 + 2 * lineLimit }
}

/// A known issue found in the logs: how many entries showed it, and the newest of them.
public struct LogIssueFinding: Sendable, Equatable {
    public let issue: KnownIssue
    public let count: Int
    public let lastSeen: LogTime
    /// The file the newest entry is in.
    public let file: String
}

/// One log file read.
public struct ScannedLog: Sendable, Equatable {
    public let path: String
    public let bytes: Int
    public let encoding: LogEncoding
}

/// A path that was not read, and why.
public struct SkippedLog: Sendable, Equatable {
    public let path: String
    public let reason: String
}

/// What a scan found, in the order of known-issues.json.
public struct LogScanReport: Sendable {
    public var findings: [LogIssueFinding] = []
    /// The files read, newest first.
    public var scanned: [ScannedLog] = []
    public var skipped: [SkippedLog] = []
    /// The most bytes the scanner's buffers held at once.
    public var peakBufferBytes = 0
}

/// Scans client logs for the signatures of known issues, newest file first and each file
/// from its end backwards, in fixed-size chunks (docs/doctor.md "Client logs").
public struct LogScanner: Sendable {
    public let knownIssues: KnownIssues
    public let options: LogScanOptions
    let matcher: SignatureMatcher

    public init(knownIssues: KnownIssues, options: LogScanOptions = LogScanOptions()) {
        self.knownIssues = knownIssues
        self.options = options
        matcher = SignatureMatcher(issues: knownIssues.issues)
    }

    /// Scans the files (ordered newest first by `LogLocations`).
    public func scan(_ files: [LogFileInfo]) -> LogScanReport {
        var run = ScanRun(scanner: self)
        for file in files {
            do throws(FileError) {
                let log = try LogFile(path: file.path)
                try run.scan(log, name: file.path, modified: file.modified)
            } catch {
                run.report.skipped.append(SkippedLog(path: file.path, reason: error.message))
            }
        }
        return run.finish()
    }

    /// Scans bytes as the content of one log file named `name`, modified at `modified`.
    public func scan(bytes: [UInt8], name: String, modified: Int64) -> LogScanReport {
        var run = ScanRun(scanner: self)
        do {
            try run.scan(MemoryLogBytes(bytes: bytes), name: name, modified: modified)
        } catch {
            run.report.skipped.append(SkippedLog(path: name, reason: error.message))
        }
        return run.finish()
    }
}

/// The issues found so far, per issue: count, and the newest entry (the first seen wins a tie,
/// which newest-first reading makes the newest line).
private struct IssueTally {
    var counts: [Int]
    var newest: [(time: LogTime, file: String)?]

    init(issues: Int) {
        counts = Array(repeating: 0, count: issues)
        newest = Array(repeating: nil, count: issues)
    }

    mutating func record(_ issue: Int, at time: LogTime, in file: String) {
        counts[issue] += 1
        if let known = newest[issue], known.time.seconds >= time.seconds { return }
        newest[issue] = (time, file)
    }
}

/// The parts found in the entry being read (backwards: the lines after its head, so far).
private struct OpenEntry {
    var masks: [UInt8]
    var touched: [Int] = []
    var lines = 0

    init(signatures: Int) { masks = Array(repeating: 0, count: signatures) }

    mutating func add(signature: Int, part: Int) {
        if masks[signature] == 0 { touched.append(signature) }
        masks[signature] |= 1 << UInt8(part)
    }

    /// Ends the entry: each issue one of whose signatures has all its parts counts once.
    mutating func close(at time: @autoclosure () -> LogTime, in file: String, matcher: SignatureMatcher, tally: inout IssueTally) {
        lines = 0
        guard !touched.isEmpty else { return }
        let time = time()
        var issues: [Int] = []
        for signature in touched {
            let issue = matcher.signatureIssue[signature]
            if masks[signature] == UInt8((1 << matcher.signatureParts[signature]) - 1) && !issues.contains(issue) {
                issues.append(issue)
                tally.record(issue, at: time, in: file)
            }
            masks[signature] = 0
        }
        touched.removeAll(keepingCapacity: true)
    }
}

/// One scan over several files: the buffers, reused from file to file, and the tally.
private struct ScanRun {
    let scanner: LogScanner
    let matcher: SignatureMatcher
    let options: LogScanOptions
    var report = LogScanReport()
    /// The file being read, and its modification time (the time of an entry without one).
    var file = ""
    var fileTime = LogTime(seconds: 0, source: .fileModified)
    var tally: IssueTally
    var entry: OpenEntry
    /// Text (UTF-8 or Windows-1252) of the chunk being searched, followed by `carry`.
    var text: [UInt8] = []
    /// A UTF-16 chunk before transcoding.
    var raw: [UInt8] = []
    /// The start of the line the previous (later) chunk began in the middle of.
    var carry: [UInt8] = []
    var hits: [SignatureMatcher.Hit] = []

    init(scanner: LogScanner) {
        self.scanner = scanner
        matcher = scanner.matcher
        options = scanner.options
        tally = IssueTally(issues: scanner.knownIssues.issues.count)
        entry = OpenEntry(signatures: scanner.matcher.signatureIssue.count)
    }

    mutating func scan(_ log: some LogBytes, name: String, modified: Int64) throws(FileError) {
        var head: [UInt8] = []
        try log.read(0..<min(log.count, LogEncoding.headLength), appendingTo: &head)
        let encoding = LogEncoding.detect(head: head)
        let unit = encoding.utf16BigEndian == nil ? 1 : 2
        let dataStart = min(encoding.byteOrderMarkLength, log.count)
        file = name
        fileTime = LogTime(seconds: modified, source: .fileModified)
        var end = dataStart + (log.count - dataStart) / unit * unit
        carry.removeAll(keepingCapacity: true)
        while end > dataStart {
            var start = max(dataStart, end - options.chunkSize)
            text.removeAll(keepingCapacity: true)
            if let bigEndian = encoding.utf16BigEndian {
                // A chunk starts at a whole unit, and never between the two halves of a pair.
                raw.removeAll(keepingCapacity: true)
                if start > dataStart {
                    try log.read(start..<(start + 2), appendingTo: &raw)
                    if raw.count == 2, UTF16Transcoding.isLowSurrogate(bigEndian ? UInt16(raw[0]) << 8 | UInt16(raw[1]) : UInt16(raw[1]) << 8 | UInt16(raw[0])) {
                        start -= 2
                    }
                    raw.removeAll(keepingCapacity: true)
                }
                try log.read(start..<end, appendingTo: &raw)
                UTF16Transcoding.appendUTF8(of: raw, bigEndian: bigEndian, to: &text)
            } else {
                try log.read(start..<end, appendingTo: &text)
            }
            text.append(contentsOf: carry)
            report.peakBufferBytes = max(report.peakBufferBytes, text.count + raw.count + carry.count)
            searchText(atFileStart: start == dataStart)
            end = start
        }
        // The lines before the first timestamp form an entry of their own.
        entry.close(at: fileTime, in: file, matcher: matcher, tally: &tally)
        report.scanned.append(ScannedLog(path: name, bytes: log.count, encoding: encoding))
    }

    /// Searches `text` and walks its lines from the last to the first, closing an entry at each
    /// line with a timestamp. The first line is complete only at the start of the file; else
    /// it is kept in `carry` to be completed by the chunk before.
    private mutating func searchText(atFileStart: Bool) {
        let text = self.text
        hits.removeAll(keepingCapacity: true)
        text.withUnsafeBytes { bytes in
            matcher.find(in: bytes, into: &hits)
            var next = hits.count - 1
            var lineEnd = bytes.count
            while true {
                let newline = Self.lastNewline(in: bytes, before: lineEnd)
                if newline == nil && !atFileStart {
                    carry.removeAll(keepingCapacity: true)
                    if lineEnd > options.lineLimit {
                        // Too long to keep: its parts count now, and only what a part may
                        // cross into the chunk before is kept.
                        while next >= 0 { take(hits[next]); next -= 1 }
                        carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<min(lineEnd, max(matcher.longestPattern - 1, 0))]))
                    } else {
                        carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<lineEnd]))
                    }
                    return
                }
                let lineStart = newline.map { $0 + 1 } ?? 0
                while next >= 0 && hits[next].offset >= lineStart {
                    take(hits[next])
                    next -= 1
                }
                endLine(bytes, from: lineStart, to: lineEnd)
                guard let newline else {
                    carry.removeAll(keepingCapacity: true)
                    return
                }
                lineEnd = newline
            }
        }
    }

    private mutating func take(_ hit: SignatureMatcher.Hit) {
        let pattern = matcher.patterns[hit.pattern]
        entry.add(signature: pattern.signature, part: pattern.part)
    }

    /// A line with a timestamp is the head of the open entry and closes it; any other line
    /// (but an empty one) continues it, up to `entryLineLimit` lines.
    private mutating func endLine(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        let contentEnd = end > start && bytes[end - 1] == 0x0D ? end - 1 : end
        guard contentEnd > start else { return }
        if let head = LogTimestamp.head(bytes, from: start, to: contentEnd) {
            entry.close(at: head.time, in: file, matcher: matcher, tally: &tally)
        } else {
            entry.lines += 1
            if entry.lines >= options.entryLineLimit { entry.close(at: fileTime, in: file, matcher: matcher, tally: &tally) }
        }
    }

    /// The offset of the last line feed before `end`, eight bytes at a time.
    static func lastNewline(in bytes: UnsafeRawBufferPointer, before end: Int) -> Int? {
        var position = end
        while position >= 8 {
            let word = bytes.loadUnaligned(fromByteOffset: position - 8, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
            // Flags a zero byte (a line feed) somewhere in the word; the loop below finds it.
            if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 { break }
            position -= 8
        }
        while position > 0 {
            position -= 1
            if bytes[position] == 0x0A { return position }
        }
        return nil
    }

    func finish() -> LogScanReport {
        var report = report
        for (index, issue) in scanner.knownIssues.issues.enumerated() {
            guard let newest = tally.newest[index] else { continue }
            report.findings.append(LogIssueFinding(issue: issue, count: tally.counts[index], lastSeen: newest.time, file: newest.file))
        }
        return report
    }
}
