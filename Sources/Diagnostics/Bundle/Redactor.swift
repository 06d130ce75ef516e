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
        let trimmed = value.trimmingSpaces
        guard !trimmed.isEmpty, !Self.productWords.contains(trimmed.lowercased()) else { return nil }
        // A MAC address is one value with dashes or colons, as the scanner finds it.
        let normalized = kind == .mac ? trimmed.lowercased().replacingDashes : trimmed.lowercased()
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
        var host = Substring(text.trimmingSpaces)
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
    /// zeros, a name JSON-escaped).
    private func learnAlias(_ kind: PseudonymKind, _ spelling: String, as normalized: String, value: String? = nil) {
        let lowercased = Array(spelling.lowercased().utf8)
        guard let first = lowercased.first, !names[Int(first)].contains(where: { $0.lowercased == lowercased }) else { return }
        names[Int(first)].append(KnownName(lowercased: lowercased, kind: kind, value: value ?? spelling, normalized: normalized))
        names[Int(first)].sort { $0.lowercased.count > $1.lowercased.count }
    }

    /// The pseudonym of a value found by its place (a setting, a claim), not by a pattern.
    public func pseudonym(_ kind: PseudonymKind, _ value: String) -> String {
        replaced += 1
        let trimmed = value.trimmingSpaces
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

    fileprivate func pseudonym(_ kind: PseudonymKind, _ value: String, normalized: String) -> [UInt8] {
        replaced += 1
        return Array(table.pseudonym(kind, for: value, normalized: normalized).utf8)
    }

    /// The known secret starting at `index`, if any: its length.
    fileprivate func secret(in line: [UInt8], at index: Int) -> Int? {
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
    fileprivate func name(in line: [UInt8], at index: Int, wordStart: Bool = true) -> (length: Int, pseudonym: [UInt8])? {
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

    fileprivate func isKept(_ token: String) -> Bool { keep.contains(token) }

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

/// One line's pass: at every word start, the matchers in order; the first that matches
/// writes its replacement and the scan goes on after what it matched.
private struct LineScanner {
    let line: [UInt8]
    let redactor: Redactor

    typealias Match = (end: Int, replacement: [UInt8])

    func run(into output: inout [UInt8]) {
        var index = 0
        while index < line.count {
            if let length = redactor.secret(in: line, at: index) {
                redactor.noteRemoved()
                output += Self.removedMark
                index += length
                continue
            }
            if index == 0 || !line[index - 1].isWordByte {
                if let match = matchAtWordStart(index) {
                    output += match.replacement
                    index = match.end
                    continue
                }
            } else if let (length, pseudonym) = redactor.name(in: line, at: index, wordStart: false) {
                output += pseudonym
                index += length
                continue
            }
            output.append(line[index])
            index += 1
        }
    }

    static let removedMark = Array("[redacted]".utf8)

    private func matchAtWordStart(_ index: Int) -> Match? {
        if let match = signedToken(index) { return match }
        if let (length, pseudonym) = redactor.name(in: line, at: index) { return (index + length, pseudonym) }
        return secretAssignment(index) ?? url(index) ?? mailAddress(index) ?? profilePath(index) ?? macAddress(index)
            ?? ipv6(index) ?? ipv4(index) ?? phoneNumber(index) ?? hostName(index)
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: line[range], as: UTF8.self) }

    private func run(from index: Int, while accept: (UInt8) -> Bool) -> Int {
        var end = index
        while end < line.count, accept(line[end]) { end += 1 }
        return end
    }

    private func endsWord(_ end: Int) -> Bool { end == line.count || !line[end].isWordByte }

    // A JWS (a license, a token): `eyJ…` in three base64url parts.
    private func signedToken(_ index: Int) -> Match? {
        guard line[index] == UInt8(ascii: "e"), index + 2 < line.count, line[index + 1] == UInt8(ascii: "y"), line[index + 2] == UInt8(ascii: "J") else { return nil }
        let end = run(from: index) { $0.isBase64URL || $0 == UInt8(ascii: ".") }
        guard line[index..<end].filter({ $0 == UInt8(ascii: ".") }).count >= 2, end - index >= 24 else { return nil }
        redactor.noteRemoved()
        return (end, Array("[signed token removed]".utf8))
    }

    private static let secretWords = ["password", "passwort", "kennwort", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key", "credential", "authorization"]

    // `Password=…`, `"token": "…"`, `Kennwort: …`: the value goes, the name stays.
    private func secretAssignment(_ index: Int) -> Match? {
        guard line[index].isWordByte else { return nil }
        let nameEnd = run(from: index) { $0.isWordByte || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
        var cursor = nameEnd
        if cursor < line.count, line[cursor] == UInt8(ascii: "\"") || line[cursor] == UInt8(ascii: "'") { cursor += 1 }
        cursor = run(from: cursor) { $0 == 0x20 || $0 == 0x09 }
        // Only a name followed by `=` or `:` is looked at (cheap, at every word).
        guard cursor < line.count, line[cursor] == UInt8(ascii: "=") || line[cursor] == UInt8(ascii: ":") else { return nil }
        let name = text(index..<nameEnd).lowercased()
        guard let word = Self.secretWords.first(where: { name.contains($0) }) else { return nil }
        cursor = run(from: cursor + 1) { $0 == 0x20 || $0 == 0x09 }
        guard cursor < line.count else { return nil }
        var valueEnd: Int
        var closing: [UInt8] = []
        if line[cursor] == UInt8(ascii: "\"") || line[cursor] == UInt8(ascii: "'") {
            let quote = line[cursor]
            cursor += 1
            valueEnd = line[cursor...].firstIndex(of: quote) ?? line.count
            if valueEnd < line.count { closing = [quote] }
        } else if word == "authorization" {
            valueEnd = line.last == 0x0D ? line.count - 1 : line.count
        } else {
            valueEnd = run(from: cursor) { !$0.isSpace && !";,&<>\"')".utf8.contains($0) }
        }
        guard valueEnd > cursor else { return nil }
        redactor.noteRemoved()
        let end = valueEnd + closing.count
        return (end, Array(line[index..<cursor]) + Self.removedMark + closing)
    }

    // `scheme://user:password@host:port/…`: user and host replaced, password removed.
    private func url(_ index: Int) -> Match? {
        guard line[index].isLetter else { return nil }
        let schemeEnd = run(from: index) { $0.isLetter || $0.isDigit || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
        guard line[schemeEnd...].starts(with: Array("://".utf8)) else { return nil }
        var cursor = schemeEnd + 3
        var output = Array(line[index..<cursor])
        let authorityEnd = run(from: cursor) { !$0.isSpace && !"/?#\"'<>".utf8.contains($0) }
        if let at = line[cursor..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) {
            let colon = line[cursor..<at].firstIndex(of: UInt8(ascii: ":"))
            let user = text(cursor..<(colon ?? at))
            if !user.isEmpty { output += redactor.pseudonym(.user, user, normalized: user.lowercased()) }
            if colon != nil {
                redactor.noteRemoved()
                output += Array(":".utf8) + Self.removedMark
            }
            output.append(UInt8(ascii: "@"))
            cursor = at + 1
        }
        let hostEnd: Int
        if cursor < line.count, line[cursor] == UInt8(ascii: "[") {
            guard let close = line[cursor..<authorityEnd].firstIndex(of: UInt8(ascii: "]")) else { return nil }
            output.append(UInt8(ascii: "["))
            output += hostPseudonym(text(cursor + 1..<close))
            output.append(UInt8(ascii: "]"))
            hostEnd = close + 1
        } else {
            hostEnd = run(from: cursor) { $0.isLetter || $0.isDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 >= 0x80 }
            output += hostPseudonym(text(cursor..<hostEnd))
        }
        return (hostEnd, output)
    }

    /// An address or a host name as found in a URL or a mail address.
    private func hostPseudonym(_ host: String) -> [UInt8] {
        if let address = IPAddressText.v4(Array(host.utf8)) ?? IPAddressText.v6(host) {
            if address.isKept || redactor.isKept(host) { return Array(host.utf8) }
            return redactor.pseudonym(address.kind, address.normalized, normalized: address.normalized)
        }
        if host.isEmpty || host.lowercased() == "localhost" { return Array(host.utf8) }
        let normalized = host.lowercased().trimmingTrailingDots
        return redactor.pseudonym(.host, normalized, normalized: normalized)
    }

    // `name@host` (mail, XMPP): the name is a user (or a phone number), the host a host.
    private func mailAddress(_ index: Int) -> Match? {
        let localEnd = run(from: index) { $0.isLetter || $0.isDigit || "._%+-".utf8.contains($0) || $0 >= 0x80 }
        guard localEnd > index, localEnd < line.count, line[localEnd] == UInt8(ascii: "@") else { return nil }
        var domainEnd = run(from: localEnd + 1) { $0.isLetter || $0.isDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 >= 0x80 }
        while domainEnd > localEnd + 1, line[domainEnd - 1] == UInt8(ascii: ".") { domainEnd -= 1 }
        guard domainEnd > localEnd + 1, line[localEnd + 1].isLetter || line[localEnd + 1].isDigit else { return nil }
        let local = text(index..<localEnd)
        let digits = local.utf8.filter(\.isDigit)
        let localPart: [UInt8]
        if let known = redactor.name(in: Array(local.utf8), at: 0), known.length == local.utf8.count {
            localPart = known.pseudonym
        } else if local.utf8.allSatisfy({ $0.isDigit || $0 == UInt8(ascii: "+") }), (6...15).contains(digits.count) {
            localPart = redactor.pseudonym(.phone, local, normalized: PhoneNumber.normalized(Array(local.utf8)))
        } else {
            localPart = redactor.pseudonym(.user, local, normalized: local.lowercased())
        }
        return (domainEnd, localPart + [UInt8(ascii: "@")] + hostPseudonym(text(localEnd + 1..<domainEnd)))
    }

    private static let profileFolders = ["users", "documents and settings"].map { Array($0.utf8) }


    // `C:\Users\<name>\…`, `/Users/<name>/…`: the name is a user.
    private func profilePath(_ index: Int) -> Match? {
        guard line[index] | 0x20 == UInt8(ascii: "u") || line[index] | 0x20 == UInt8(ascii: "d") else { return nil }
        guard let folder = Self.profileFolders.first(where: { folder in
            line.count - index > folder.count && line[index..<index + folder.count].lazy.map(\.asciiLowercased).elementsEqual(folder)
        }) else { return nil }
        let separator = index + folder.count
        guard line[separator] == UInt8(ascii: "\\") || line[separator] == UInt8(ascii: "/") else { return nil }
        // In JSON a backslash is written twice.
        let start = run(from: separator + 1) { $0 == UInt8(ascii: "\\") }
        guard start < line.count else { return nil }
        let prefix = Array(line[index..<start])
        // A name already known (`Canary Müller`) is taken whole, spaces and all.
        if let known = redactor.name(in: line, at: start) { return (start + known.length, prefix + known.pseudonym) }
        let stops: [UInt8] = Array("\\/\"'<>|\r".utf8)
        var end = run(from: start) { !stops.contains($0) }
        let closed = end < line.count && (line[end] == UInt8(ascii: "\\") || line[end] == UInt8(ascii: "/"))
        if !closed { end = run(from: start) { !stops.contains($0) && !$0.isSpace } }
        guard end > start else { return nil }
        let name = text(start..<end)
        guard !Redactor.systemProfiles.contains(name.lowercased()) else { return nil }
        // A folder name closed by a separator is certain, and learned: replaced in the lines
        // after this one too. One that ends the text may be cut at a space: not learned.
        if closed, name.count >= 3, let learned = redactor.learn(.user, name) {
            redactor.noteReplaced()
            return (end, prefix + Array(learned.utf8))
        }
        return (end, prefix + redactor.pseudonym(.user, name, normalized: name.lowercased()))
    }

    // `00:1a:2b:3c:4d:5e` or with dashes.
    private func macAddress(_ index: Int) -> Match? {
        let end = index + 17
        guard end <= line.count, endsWord(end) else { return nil }
        let separator = line[index + 2]
        guard separator == UInt8(ascii: ":") || separator == UInt8(ascii: "-") else { return nil }
        for offset in 0..<17 {
            let byte = line[index + offset]
            guard offset % 3 == 2 ? byte == separator : byte.isHexDigit else { return nil }
        }
        if end < line.count, line[end] == separator { return nil }
        let normalized = text(index..<end).lowercased().replacingDashes
        if normalized == "00:00:00:00:00:00" || normalized == "ff:ff:ff:ff:ff:ff" { return nil }
        return (end, redactor.pseudonym(.mac, normalized, normalized: normalized))
    }

    private func ipv6(_ index: Int) -> Match? {
        guard line[index].isHexDigit || line[index] == UInt8(ascii: ":") else { return nil }
        if index > 0, line[index - 1] == UInt8(ascii: ":") || line[index - 1] == UInt8(ascii: ".") { return nil }
        let end = run(from: index) { $0.isHexDigit || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
        guard end - index >= 2, endsWord(end), line[index..<end].lazy.filter({ $0 == UInt8(ascii: ":") }).count >= 2 else { return nil }
        var candidateEnd = end
        while candidateEnd > index, line[candidateEnd - 1] == UInt8(ascii: ".") { candidateEnd -= 1 }
        guard let address = IPAddressText.v6(text(index..<candidateEnd)) else { return nil }
        if address.isKept { return (candidateEnd, Array(line[index..<candidateEnd])) }
        return (candidateEnd, redactor.pseudonym(address.kind, address.normalized, normalized: address.normalized))
    }

    private func ipv4(_ index: Int) -> Match? {
        guard line[index].isDigit, index == 0 || line[index - 1] != UInt8(ascii: ".") else { return nil }
        let end = run(from: index) { $0.isDigit || $0 == UInt8(ascii: ".") }
        var candidateEnd = end
        // A sentence's full stop after the address.
        if candidateEnd > index, line[candidateEnd - 1] == UInt8(ascii: "."), candidateEnd == line.count || !line[candidateEnd].isWordByte {
            candidateEnd -= 1
        }
        guard endsWord(end), let address = IPAddressText.v4(Array(line[index..<candidateEnd])) else { return nil }
        let written = text(index..<candidateEnd)
        if address.isKept || redactor.isKept(written) || followsVersionWord(index) { return (candidateEnd, Array(line[index..<candidateEnd])) }
        return (candidateEnd, redactor.pseudonym(address.kind, address.normalized, normalized: address.normalized))
    }

    private static let versionWords: Set<String> = ["version", "v", "ver", "release", "build", "client", "modul", "module"]

    /// "Version 2.3.7.3", "release: 2.4.4.1": a release number, not an address.
    private func followsVersionWord(_ index: Int) -> Bool {
        var cursor = index
        while cursor > 0, line[cursor - 1] == 0x20 || line[cursor - 1] == UInt8(ascii: ":") || line[cursor - 1] == UInt8(ascii: "=") { cursor -= 1 }
        var start = cursor
        while start > 0, line[start - 1].isLetter { start -= 1 }
        return start < cursor && Self.versionWords.contains(text(start..<cursor).lowercased())
    }

    private func phoneNumber(_ index: Int) -> Match? {
        guard line[index] == UInt8(ascii: "+") || line[index] == UInt8(ascii: "0") || line[index] == UInt8(ascii: "(") else { return nil }
        guard let end = PhoneNumber.end(in: line, from: index) else { return nil }
        let written = Array(line[index..<end])
        return (end, redactor.pseudonym(.phone, text(index..<end), normalized: PhoneNumber.normalized(written)))
    }

    /// Top-level domains a customer's host names end in; other dotted words
    /// (`DatevConnector.Properties.Settings`, `user.config`) are not host names.
    private static let topLevelDomains: Set<String> = [
        "de", "at", "ch", "li", "lu", "eu", "com", "net", "org", "info", "biz", "io", "cloud", "online", "uk", "fr", "it", "nl", "be",
        "pl", "cz", "dk", "es", "local", "lan", "intern", "internal", "intranet", "home", "corp", "localdomain", "box", "arpa",
    ]

    private func hostName(_ index: Int) -> Match? {
        guard line[index].isLetter || line[index].isDigit else { return nil }
        var end = run(from: index) { $0.isLetter || $0.isDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
        while end > index, line[end - 1] == UInt8(ascii: ".") { end -= 1 }
        guard endsWord(end), let lastDot = line[index..<end].lastIndex(of: UInt8(ascii: ".")), (2...11).contains(end - lastDot - 1) else { return nil }
        let labels = text(index..<end).split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, !labels.contains(where: \.isEmpty), let last = labels.last, Self.topLevelDomains.contains(String(last)) else { return nil }
        let normalized = text(index..<end).lowercased()
        return (end, redactor.pseudonym(.host, normalized, normalized: normalized))
    }
}

/// Phone numbers as people write them: `+49 89 1234567`, `0049 (89) 123-4567`, `089/1234567`,
/// `0171 2345678` — from a `+` or a leading zero, 6 to 15 digits. Error codes (`262631`),
/// times and dates are not: they start otherwise or stand inside a number.
enum PhoneNumber {
    static func end(in line: [UInt8], from index: Int) -> Int? {
        var cursor = index
        // Inside a date, a number or an identifier (`2026-01-02`, `1.0815`, `CTI-00000042`).
        if index >= 2, "-/.:_".utf8.contains(line[index - 1]), line[index - 2].isDigit || "-_".utf8.contains(line[index - 1]) && line[index - 2].isWordByte {
            return nil
        }
        if line[cursor] == UInt8(ascii: "(") { cursor += 1 }
        let international = cursor < line.count && line[cursor] == UInt8(ascii: "+")
        if international { cursor += 1 }
        guard cursor < line.count, line[cursor].isDigit, international || line[cursor] == UInt8(ascii: "0") else { return nil }
        var digits = 0
        var end = cursor
        while cursor < line.count {
            if line[cursor].isDigit {
                digits += 1
                cursor += 1
                end = cursor
                continue
            }
            // Between digit groups: up to three of space, `-`, `/`, `(`, `)`. A space with an
            // opening parenthesis, or a space and then a leading zero after a whole number,
            // starts the next number (`089/123456 (0171) 234567`, `+49 89 123456 / 0049 …`).
            var next = cursor
            var space = false
            var opening = false
            while next < line.count, " -/()".utf8.contains(line[next]) {
                space = space || line[next] == 0x20
                opening = opening || line[next] == UInt8(ascii: "(")
                next += 1
            }
            guard next > cursor, next - cursor <= 3, next < line.count, line[next].isDigit else { break }
            if space && (opening || (line[next] == UInt8(ascii: "0") && digits >= 6)) { break }
            cursor = next
        }
        guard (6...15).contains(digits) else { return nil }
        if end < line.count {
            if line[end].isWordByte { return nil }
            // A decimal or a time goes on: `0123456.7`, `012345:00`.
            if ".:,".utf8.contains(line[end]), end + 1 < line.count, line[end + 1].isDigit { return nil }
        }
        return startsWithDate(line[index..<end]) ? nil : end
    }

    /// `01/12/2026`, `1-12-26`: a date, not a number.
    private static func startsWithDate(_ text: ArraySlice<UInt8>) -> Bool {
        var groups: [Int] = []
        var current = 0
        for byte in text {
            if byte.isDigit {
                current += 1
            } else if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "-"), current > 0, groups.count < 2 {
                groups.append(current)
                current = 0
            } else {
                break
            }
        }
        groups.append(current)
        return groups.count == 3 && groups[0] <= 2 && groups[1] <= 2 && (2...4).contains(groups[2])
    }

    /// The same number however it is written: `+` and the digits for international numbers
    /// (`0049` counts as `+49`), else the digits.
    static func normalized(_ written: [UInt8]) -> String {
        let digits = String(decoding: written.filter(\.isDigit), as: UTF8.self)
        if written.contains(UInt8(ascii: "+")) { return "+" + digits }
        if digits.hasPrefix("00") { return "+" + digits.dropFirst(2) }
        return digits
    }
}

extension UInt8 {
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isLetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }
    var isHexDigit: Bool { isDigit || ((self | 0x20) >= 0x61 && (self | 0x20) <= 0x66) }
    /// Letters, digits, `_` and every byte of a non-ASCII character (an umlaut in a name).
    var isWordByte: Bool { isLetter || isDigit || self == 0x5F || self >= 0x80 }
    var isSpace: Bool { self == 0x20 || self == 0x09 || self == 0x0D || self == 0x0A }
    var isBase64URL: Bool { isLetter || isDigit || self == 0x2D || self == 0x5F || self == 0x3D }
    var asciiLowercased: UInt8 { self >= 0x41 && self <= 0x5A ? self | 0x20 : self }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }

    var trimmingTrailingDots: String {
        var text = Substring(self)
        while text.last == "." { text = text.dropLast() }
        return String(text)
    }

    var replacingDashes: String { String(map { $0 == "-" ? ":" : $0 }) }
}

// memmem(3) is in every libc but not in the Glibc module (it needs _GNU_SOURCE).
@_silgen_name("memmem") private func c_memmem(_ haystack: UnsafeRawPointer?, _ haystackLength: Int, _ needle: UnsafeRawPointer?, _ needleLength: Int) -> UnsafeRawPointer?
