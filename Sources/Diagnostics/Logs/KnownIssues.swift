import CTICore

/// The known problems of one product that show in its client logs
/// (`config-schemas/<product>/known-issues.json`, docs/doctor.md "Client logs"): each a
/// stable code, the log signatures that reveal it, and cause and fix in German and English.
/// Read strictly: an unknown member, a bad code, severity, signature or text is an error
/// naming the file and the JSON path.
public struct KnownIssues: Sendable {
    public let product: String
    /// Where the client writes its logs, below a Windows user's profile folder
    /// (`AppData/Roaming/DatevConnector/logs`), matched in any case.
    public let logFolders: [String]
    public let issues: [KnownIssue]

    /// The largest known-issues file read.
    public static let fileLimit: Int64 = 1 << 20
    /// Limits that keep the matcher small and its masks in a byte.
    public static let partsLimit = 8
    public static let partBytesMinimum = 4
    public static let partBytesMaximum = 256

    public init(jsonBytes: [UInt8], source: String) throws(CTIFailure) {
        let reader = KnownIssuesReader(source: source)
        do {
            let root = try JSONObjectReader(try JSONRead.value(jsonBytes))
            try reader.allowOnly(["$schema", "product", "source", "logFolders", "issues"], in: root, what: "a known-issues file")
            _ = try root.optionalString("source")
            product = try root.string("product")
            logFolders = try reader.logFolders(root)
            issues = try root.objectArray("issues").map { (object) throws -> KnownIssue in try reader.issue(object) }
            try reader.checkUniqueCodes(issues)
        } catch let failure as CTIFailure {
            throw failure
        } catch let failure as JSONReadFailure {
            throw reader.fail("the document", failure.description)
        } catch let failure as JSONObjectReader.Failure {
            throw reader.fail(failure.path, failure.reason)
        } catch {
            throw reader.fail("the document", "\(error)")
        }
    }

    /// Reads `path`, refusing a file larger than `fileLimit`.
    public init(contentsOf path: String) throws(CTIFailure) {
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(path, limit: Self.fileLimit)
        } catch {
            throw CTIFailure(error)
        }
        try self.init(jsonBytes: bytes, source: path)
    }
}

/// One known problem: found when any of its signatures matches one log entry.
public struct KnownIssue: Sendable, Equatable {
    /// Stable finding code, `log.` and lower-case words joined by `-`.
    public let code: String
    public let severity: Severity
    public let signatures: [LogSignature]
    public let cause: LocalizedText
    public let fix: LocalizedText
    /// Where in the seeds (the FAQ) the problem comes from.
    public let source: String
}

/// Text that reveals a problem: every part must occur in the same log entry (a line with a
/// timestamp and the lines after it without one, docs/doctor.md), in any order. Parts match
/// ASCII letters in any case; other characters as they are, umlauts also decomposed (NFD)
/// and in Windows-1252.
public struct LogSignature: Sendable, Equatable {
    public let parts: [String]

    public init(parts: [String]) {
        self.parts = parts
    }

    /// The signature as the report quotes it: its parts joined by " … ".
    public var text: String { parts.joined(separator: " … ") }
}

/// Reads the members of a known-issues file, with errors naming the file and the JSON path.
private struct KnownIssuesReader {
    let source: String

    func fail(_ path: String, _ reason: String) -> CTIFailure {
        CTIFailure(.knownIssuesMalformed, TerminalText.line("\(source): \(path) \(reason)"))
    }

    static func path(_ object: JSONObjectReader, _ member: String) -> String { object.path.isEmpty ? member : "\(object.path).\(member)" }

    func allowOnly(_ members: [String], in object: JSONObjectReader, what: String) throws(CTIFailure) {
        for member in object.members.keys.sorted() where !members.contains(member) {
            let hint = NearestName.closest(to: member, among: members).map { "did you mean \"\($0)\"? " } ?? ""
            throw fail(Self.path(object, member), "is not a member of \(what); \(hint)(members: \(members.joined(separator: ", ")))")
        }
    }

    func logFolders(_ root: JSONObjectReader) throws -> [String] {
        let folders = try root.optionalStringArray("logFolders") ?? []
        for (index, folder) in folders.enumerated() {
            let components = folder.split(separator: "/", omittingEmptySubsequences: false)
            guard !folder.hasPrefix("/"), components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\\") }),
                !folder.unicodeScalars.contains(where: TerminalText.isControl)
            else {
                throw fail("logFolders[\(index)]", "\"\(folder)\" is not a relative path below a user's profile folder; write it with /, e.g. AppData/Roaming/DatevConnector/logs")
            }
        }
        return folders
    }

    func issue(_ object: JSONObjectReader) throws -> KnownIssue {
        try allowOnly(["code", "severity", "signatures", "cause", "fix", "source"], in: object, what: "an issue")
        let code = try object.string("code")
        guard Self.isCode(code) else {
            throw fail(Self.path(object, "code"), "\"\(code)\" is not a finding code; write log. and lower-case words joined by -, e.g. log.registering-buddy-failed")
        }
        let severityText = try object.string("severity")
        guard let severity = Severity(rawValue: severityText) else {
            throw fail(Self.path(object, "severity"), "\"\(severityText)\" is not a severity (error, warning, info)")
        }
        return KnownIssue(
            code: code, severity: severity, signatures: try signatures(object), cause: try text(object, "cause"), fix: try text(object, "fix"),
            source: try object.string("source"))
    }

    func signatures(_ object: JSONObjectReader) throws -> [LogSignature] {
        let path = Self.path(object, "signatures")
        guard case .array(let items)? = object.members["signatures"] else {
            throw fail(path, object.members["signatures"] == nil ? "is missing" : "must be an array of signatures, each an array of strings")
        }
        guard !items.isEmpty else { throw fail(path, "is empty; an issue needs at least one signature") }
        return try items.enumerated().map { (index, item) throws -> LogSignature in
            guard case .array(let partValues) = item, (1...KnownIssues.partsLimit).contains(partValues.count) else {
                throw fail("\(path)[\(index)]", "must be an array of 1 to \(KnownIssues.partsLimit) strings (all must occur in one log entry)")
            }
            return LogSignature(parts: try partValues.enumerated().map { (partIndex, value) throws -> String in
                try part(value, at: "\(path)[\(index)][\(partIndex)]")
            })
        }
    }

    /// A part as the matcher needs it: NFC (the decomposed umlauts are composed here, and
    /// matched decomposed too), no control character, 4 to 256 bytes.
    func part(_ value: JSONValue, at path: String) throws -> String {
        guard case .string(let written) = value else { throw fail(path, "must be a string") }
        let text = GermanLetters.composed(written)
        guard !text.unicodeScalars.contains(where: TerminalText.isControl) && !text.contains("\t") else {
            throw fail(path, "holds a control character; a signature is text of one log line")
        }
        guard (KnownIssues.partBytesMinimum...KnownIssues.partBytesMaximum).contains(text.utf8.count) else {
            throw fail(path, "\"\(text)\" must be \(KnownIssues.partBytesMinimum) to \(KnownIssues.partBytesMaximum) bytes long (UTF-8)")
        }
        return text
    }

    func text(_ object: JSONObjectReader, _ member: String) throws -> LocalizedText {
        let text = try object.object(member)
        try allowOnly(["de", "en"], in: text, what: "a text")
        let de = try text.string("de"), en = try text.string("en")
        for (language, value) in [("de", de), ("en", en)] where value.isEmpty {
            throw fail(Self.path(text, language), "is empty")
        }
        return LocalizedText(en: en, de: de)
    }

    func checkUniqueCodes(_ issues: [KnownIssue]) throws(CTIFailure) {
        var seen: Set<String> = []
        for (index, issue) in issues.enumerated() where !seen.insert(issue.code).inserted {
            throw fail("issues[\(index)].code", "\"\(issue.code)\" is the code of an earlier issue; each issue has its own code")
        }
    }

    static func isCode(_ code: String) -> Bool {
        guard code.hasPrefix("log.") else { return false }
        let words = code.dropFirst(4).split(separator: "-", omittingEmptySubsequences: false)
        return words.allSatisfy { word in !word.isEmpty && word.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) } }
    }
}
