import CTICore
import ClientConfig
import Licensing
import ReleaseCatalog
import StartupCheck

/// A startup check as the programs around the library receive it: named inputs (paths or
/// inline texts, versions as text), from a request document (`ctictl.startup-request/1`: the
/// C entry point's argument, or the settings file installed beside the client) and from
/// command-line flags, which win. `gather` reads the files, so the library itself never does.
public struct StartupInvocation: Sendable {
    /// The request's members, paths already resolved.
    public private(set) var members: [String: JSONValue] = [:]

    public static let schema = "ctictl.startup-request/1"

    /// Documents: a path (string), `{"path": ...}` or `{"text": ...}`.
    static let documents = ["license", "keyring", "revocations", "catalog", "state", "config"]
    static let strings = ["product", "configSchemas", "clientVersion", "pbxVersion", "datevVersion", "pbxId", "pbxMac", "pbxHostname", "at"]
    static let integers = ["moduleVersion", "activeUsers"]
    static let known = Set(documents + strings + integers + ["schema", "endorsements", "allowDevelopmentKeys"])

    public init() {}

    /// Reads a request or settings file (`-`: standard input, through `read`); relative paths
    /// in it are taken relative to the file's folder. `ctictl check` and `ctictl-check` both
    /// read `--settings`/`--request` through here.
    public init(file path: String, read: (String) throws -> [UInt8]) throws(CTIFailure) {
        let bytes: [UInt8]
        do {
            bytes = try read(path)
        } catch {
            throw CTIFailure((error as? any CTIError) ?? CTIFailure(.startupRequestMalformed, "\(path): \(error)"))
        }
        try self.init(json: bytes, source: path == "-" ? "standard input" : path, base: path == "-" ? nil : Self.folder(of: path))
    }

    /// Reads a request document; relative paths in it are taken relative to `base` (the
    /// directory of the settings file), or to the working directory when nil.
    public init(json bytes: [UInt8], source: String, base: String?) throws(CTIFailure) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw CTIFailure(.startupRequestMalformed, "\(source): not a JSON request: \(error)")
        }
        guard case .object(let members) = value else {
            throw CTIFailure(.startupRequestMalformed, "\(source): a request is a JSON object")
        }
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            try set(name, value, source: source, base: base)
        }
    }

    /// Sets one member (a flag's value, or a member of a document), checking its type.
    public mutating func set(_ name: String, _ value: JSONValue, source: String, base: String? = nil) throws(CTIFailure) {
        guard Self.known.contains(name) else {
            let hint = NearestName.closest(to: name, among: Self.known.sorted()).map { "; did you mean \"\($0)\"?" } ?? ""
            throw CTIFailure(.startupRequestMalformed, "\(source): unknown member \"\(name)\"\(hint)")
        }
        func wrong(_ expected: String) -> CTIFailure {
            CTIFailure(.startupRequestMalformed, "\(source): member \"\(name)\" must be \(expected)")
        }
        switch (name, value) {
        case ("schema", .string(let schema)):
            guard schema == Self.schema else { throw CTIFailure(.startupRequestMalformed, "\(source): schema \"\(schema)\" is not \(Self.schema)") }
            return
        case ("endorsements", .array(let items)):
            var resolved: [JSONValue] = []
            for item in items {
                guard let document = try Self.document(item, base: base) else { throw wrong("an array of paths or {\"text\": ...} objects") }
                resolved.append(document)
            }
            members[name] = .array(resolved)
        case ("allowDevelopmentKeys", .bool):
            members[name] = value
        case _ where Self.documents.contains(name):
            guard let document = try Self.document(value, base: base) else { throw wrong("a path or {\"path\": ...} or {\"text\": ...}") }
            members[name] = document
        case ("configSchemas", .string(let path)):
            members[name] = .string(Self.resolve(path, base: base))
        case (_, .string) where Self.strings.contains(name):
            members[name] = value
        case (_, .number(let number)) where Self.integers.contains(name):
            guard number >= 0, number < 1e9, number == number.rounded() else { throw wrong("a whole number") }
            members[name] = value
        case (_, .null):
            members[name] = nil
        default:
            let expected = Self.integers.contains(name) ? "a whole number" : name == "allowDevelopmentKeys" ? "true or false" : name == "endorsements" ? "an array" : "a string"
            throw wrong(expected)
        }
    }

    /// Adds an endorsement file (the repeatable `--endorsement` flag).
    public mutating func addEndorsement(path: String) {
        guard case .array(var items) = members["endorsements"] ?? .array([]) else { return }
        items.append(.object(["path": .string(path)]))
        members["endorsements"] = .array(items)
    }

    private static func document(_ value: JSONValue, base: String?) throws(CTIFailure) -> JSONValue? {
        switch value {
        case .string(let path): return .object(["path": .string(resolve(path, base: base))])
        case .object(let object) where object.count == 1:
            if case .string(let path)? = object["path"] { return .object(["path": .string(resolve(path, base: base))]) }
            if case .string? = object["text"] { return value }
            return nil
        default: return nil
        }
    }

    /// The folder of a file's path; `/` and `\` both separate, as on Windows, where a client
    /// names `C:\Program Files\…\ctictl-check.json`.
    static func folder(of path: String) -> String {
        guard let separator = path.lastIndex(where: { $0 == "/" || $0 == "\\" }) else { return "." }
        if separator == path.startIndex { return String(path[...separator]) }
        let folder = path[..<separator]
        // `C:\file` lies in `C:\`, not in the drive's working directory `C:`.
        return folder.count == 2 && folder.last == ":" ? String(path[...separator]) : String(folder)
    }

    /// Whether a path names its place without a base: `/x`, `\x`, `\\server\share`, `C:\x`, `C:/x`.
    static func isAbsolute(_ path: String) -> Bool {
        if path.hasPrefix("/") || path.hasPrefix("\\") { return true }
        let characters = Array(path.prefix(3))
        return characters.count == 3 && characters[0].isLetter && characters[1] == ":" && (characters[2] == "\\" || characters[2] == "/")
    }

    static func resolve(_ path: String, base: String?) -> String {
        guard let base, base != ".", !isAbsolute(path) else { return path }
        // Joined with the folder's own separator (a Windows folder keeps its backslashes).
        let separator = base.contains("\\") && !base.contains("/") ? "\\" : "/"
        return base.hasSuffix(separator) ? base + path : base + separator + path
    }

    func string(_ name: String) -> String? { members[name]?.stringValue }

    func integer(_ name: String) -> Int? {
        guard case .number(let number)? = members[name] else { return nil }
        return Int(number)
    }
}
