import CTICore

/// One line's pass: at every word start, the matchers in order; the first that matches
/// writes its replacement and the scan goes on after what it matched.
struct LineScanner {
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
        let normalized = text(index..<end).normalizedMAC
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
