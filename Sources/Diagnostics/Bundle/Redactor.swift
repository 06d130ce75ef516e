import CTICore

/// Redacts the text of every file of one support bundle with one pseudonym table, so a value
/// has the same pseudonym in all of them (docs/doctor.md, "The support bundle"):
/// - removed: the values of known secrets (a config's password), anything written as
///   `password=…`, `Passwort: …`, `"token": "…"`, `Authorization: …`, private key and
///   license blocks, signed tokens (JWS);
/// - replaced by pseudonyms: known names (the hosts, login ids and Windows profile names of
///   the configs, the license's customer and PBX), the user folder of any Windows profile path,
///   e-mail and XMPP addresses, the host and user of URLs, IPv4 and IPv6 addresses, MAC
///   addresses, phone numbers (`+49 …`, `0049…`, `089/…`), host names under common top-level
///   domains (`.de`, `.local`, `.lan`, …).
/// Kept: loopback and unspecified addresses, netmasks, `localhost`, and dotted numbers that
/// are release versions (the catalog's, or after the word "version").
/// It reads text line by line (a caller may stream), UTF-8 or any ASCII-compatible encoding.
public final class Redactor {
    public private(set) var table = PseudonymTable()
    /// Redactions made so far: values replaced by pseudonyms, and secrets removed.
    public private(set) var replaced = 0
    public private(set) var removed = 0

    /// Known names by the first byte of their lowercased spelling, longest first.
    private var names = [[KnownName]](repeating: [], count: 256)
    /// Known secret values by their first byte, longest first.
    private var secrets = [[[UInt8]]](repeating: [], count: 256)
    private let keep: Set<String>

    /// Words of the products themselves: a PBX named `starface` tells no one anything, and
    /// replacing the word everywhere would hide "DATEVConnectorforSTARFACE" in every finding.
    static let productWords: Set<String> = ["starface", "datev", "datevconnector", "localhost"]

    /// Profile folders of Windows itself, which name no one.
    static let systemProfiles: Set<String> = ["public", "default", "default user", "all users", "defaultuser0"]

    private struct KnownName {
        /// The spelling's bytes with ASCII letters lowercased, as the scan compares them.
        let lowercased: [UInt8]
        let kind: PseudonymKind
        let value: String
        let normalized: String
    }

    /// A multi-line block being removed (a private key, a pasted license).
    public struct BlockState: Sendable {
        var inside = false
        public init() {}
    }

    /// - Parameter keep: dotted numbers never taken for addresses (the catalog's release versions).
    public init(keep: Set<String> = []) {
        self.keep = keep
    }

    // MARK: What the configs, paths and license say

    /// A value that must never appear: removed wherever it occurs (values under 4 characters
    /// only as a whole word, so a one-digit PIN does not take every digit with it).
    public func learnSecret(_ value: String) {
        for spelling in Self.spellings(of: value) {
            let bytes = Array(spelling.utf8)
            guard let first = bytes.first, !bytes.allSatisfy({ $0 == 0x20 }), !secrets[Int(first)].contains(bytes) else { continue }
            secrets[Int(first)].append(bytes)
            secrets[Int(first)].sort { $0.count > $1.count }
        }
    }

    /// A name to replace wherever it occurs as a whole word, in any case. Returns its pseudonym.
    @discardableResult
    public func learn(_ kind: PseudonymKind, _ value: String) -> String? {
        let trimmed = value.trimmingWhitespace
        guard !trimmed.isEmpty, !Self.productWords.contains(trimmed.lowercased()) else { return nil }
        // A MAC address is one value with dashes or colons, as the scanner finds it.
        let normalized = kind == .mac ? trimmed.normalizedMAC : trimmed.lowercased()
        let pseudonym = table.pseudonym(kind, for: trimmed, normalized: normalized)
        for spelling in Self.spellings(of: trimmed) { learnAlias(kind, spelling, as: normalized, value: trimmed) }
        return pseudonym
    }

    /// A value as it is written in text and in JSON (`\\` and `\"` escaped): a report in
    /// JSON or a JSON log names `KANZLEI\\anna`.
    private static func spellings(of value: String) -> [String] {
        let escaped = String(decoding: JSONWriter.compact(.string(value)).dropFirst().dropLast(), as: UTF8.self)
        return escaped == value ? [value] : [value, escaped]
    }

    /// A host as a setting holds it (`starface.local`, `https://10.0.0.5:443/`, `[fe80::1]`):
    /// learned as an address or a host name.
    public func learnHost(_ text: String) {
        var host = Substring(text.trimmingWhitespace)
        if let scheme = host.firstRange(of: "://") { host = host[scheme.upperBound...] }
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<close]
        } else {
            if let slash = host.firstIndex(where: { $0 == "/" || $0 == "\\" }) { host = host[..<slash] }
            if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") { host = host[..<colon] }
        }
        let name = String(host)
        if let address = IPAddressText.v4(Array(name.utf8)) ?? IPAddressText.v6(name) {
            guard !address.isKept else { return }
            learn(address.kind, address.normalized)
            if address.normalized != name { learnAlias(address.kind, name, as: address.normalized) }
        } else if !name.isEmpty, name.lowercased() != "localhost" {
            learn(.host, name)
        }
    }

    /// A spelling of a value learned under `normalized` (an address written with leading
    /// zeros, a name JSON-escaped), in every form a log may hold it: as written, lowercased and
    /// uppercased (`MÜLLER`: the scan lowercases ASCII only), each in UTF-8, with decomposed
    /// umlauts and in Windows-1252 (log4net's default on Windows, as the log scanner reads it).
    private func learnAlias(_ kind: PseudonymKind, _ spelling: String, as normalized: String, value: String? = nil) {
        var buckets = Set<Int>()
        for variant in [spelling, spelling.lowercased(), spelling.uppercased()] {
            for bytes in GermanLetters.spellings(variant) {
                let key = bytes.map(\.asciiLowercased)
                guard let first = key.first, !names[Int(first)].contains(where: { $0.lowercased == key }) else { continue }
                names[Int(first)].append(KnownName(lowercased: key, kind: kind, value: value ?? spelling, normalized: normalized))
                buckets.insert(Int(first))
            }
        }
        for bucket in buckets { names[bucket].sort { $0.lowercased.count > $1.lowercased.count } }
    }

    /// The pseudonym of a value found by its place (a setting, a claim), not by a pattern.
    public func pseudonym(_ kind: PseudonymKind, _ value: String) -> String {
        replaced += 1
        let trimmed = value.trimmingWhitespace
        return table.pseudonym(kind, for: trimmed, normalized: trimmed.lowercased())
    }

    // MARK: Redacting

    /// A whole text (a config, a report).
    public func redact(_ text: String) -> String {
        String(decoding: redact(Array(text.utf8)), as: UTF8.self)
    }

    public func redact(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        var state = BlockState()
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            if redactLine(bytes[start..<end], state: &state, into: &output), end < bytes.count { output.append(0x0A) }
            start = end + 1
        }
        return output
    }

    /// One line without its line feed (a carriage return may end it). Returns false when the
    /// line is dropped whole (inside a removed block), so no line feed is written for it.
    @discardableResult
    public func redactLine(_ line: ArraySlice<UInt8>, state: inout BlockState, into output: inout [UInt8]) -> Bool {
        let line = Array(line)
        switch BlockMarker(line) {
        case .begin(let what)?:
            removed += 1
            output += Array("[\(what) removed]".utf8)
            if line.last == 0x0D { output.append(0x0D) }
            state.inside = !Self.contains(line, "-----END")
            return true
        case .end? where state.inside:
            state.inside = false
            return false
        default:
            if state.inside { return false }
        }
        LineScanner(line: line, redactor: self).run(into: &output)
        return true
    }

    func noteReplaced() { replaced += 1 }
    func noteRemoved() { removed += 1 }

    func pseudonym(_ kind: PseudonymKind, _ value: String, normalized: String) -> [UInt8] {
        replaced += 1
        return Array(table.pseudonym(kind, for: value, normalized: normalized).utf8)
    }

    /// The known secret starting at `index`, if any: its length.
    func secret(in line: [UInt8], at index: Int) -> Int? {
        for secret in secrets[Int(line[index])] where line.count - index >= secret.count {
            guard line[index..<index + secret.count].elementsEqual(secret) else { continue }
            if secret.count >= 4 { return secret.count }
            let end = index + secret.count
            if (index == 0 || !line[index - 1].isWordByte) && (end == line.count || !line[end].isWordByte) { return secret.count }
        }
        return nil
    }

    /// The known name starting at `index`, if any. At a word start a name must end a word
    /// (`anna`, not the start of `annahme`); elsewhere only a long name counts
    /// (`canarylogin4711` in `trace_canarylogin4711`), so short ones never cut words apart.
    func name(in line: [UInt8], at index: Int, wordStart: Bool = true) -> (length: Int, pseudonym: [UInt8])? {
        for name in names[Int(line[index].asciiLowercased)] where line.count - index >= name.lowercased.count {
            if !wordStart && name.lowercased.count < Self.longName { return nil }
            let end = index + name.lowercased.count
            guard line[index..<end].lazy.map(\.asciiLowercased).elementsEqual(name.lowercased) else { continue }
            guard name.lowercased.count >= Self.longName || end == line.count || !line[end].isWordByte else { continue }
            return (name.lowercased.count, pseudonym(name.kind, name.value, normalized: name.normalized))
        }
        return nil
    }

    /// Names of this many bytes are replaced even inside a word.
    static let longName = 6

    func isKept(_ token: String) -> Bool { keep.contains(token) }

    /// Whether `text` occurs in `line` (memmem: this runs for every line of every log).
    static func contains(_ line: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard line.count >= needle.count else { return false }
        return line.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { c_memmem(haystack.baseAddress, haystack.count, $0.baseAddress, $0.count) != nil }
        }
    }
}

/// The first or last line of a PEM-style block that is removed whole.
private enum BlockMarker {
    case begin(String)
    case end

    init?(_ line: [UInt8]) {
        if Redactor.contains(line, "-----BEGIN") {
            if Redactor.contains(line, "PRIVATE KEY") {
                self = .begin("private key")
            } else if Redactor.contains(line, "CTI LICENSE") {
                self = .begin("license")
            } else {
                return nil
            }
        } else if Redactor.contains(line, "-----END") {
            self = .end
        } else {
            return nil
        }
    }
}

// memmem(3) is in every libc but not in the Glibc module (it needs _GNU_SOURCE).
@_silgen_name("memmem") private func c_memmem(_ haystack: UnsafeRawPointer?, _ haystackLength: Int, _ needle: UnsafeRawPointer?, _ needleLength: Int) -> UnsafeRawPointer?
