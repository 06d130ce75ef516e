import CTICore
import ClientConfig

/// The PBX address and ports one client config names (the settings `StarfaceHost`,
/// `XmppPort`, `SslPort`; the ports default to 5222 and 443 as in the schemas).
struct ConfiguredPBX: Sendable {
    /// Who uses it: `user anna` for a config found below `--root`, else the path.
    let owner: String
    let host: String
    let xmppPort: String
    let sslPort: String

    static let defaultXmppPort = "5222"
    static let defaultSslPort = "443"

    /// Every config of the run: those named by `--config` and every user's below `--root`;
    /// a config that cannot be read becomes a warning naming it and why.
    static func all(in context: DoctorContext) -> (configs: [ConfiguredPBX], problems: [Finding]) {
        var sources: [(owner: String, path: String)] = context.configFiles.map { ($0, $0) }
        var problems: [Finding] = []
        if let root = context.profileRoot {
            do {
                sources += try ConfigDiscovery(root: root).configs.map { ("user \($0.user)", $0.path) }
            } catch {
                problems.append(unreadable(root, error.message))
            }
        }
        var configs: [ConfiguredPBX] = []
        for source in sources {
            do {
                let file = try SettingsFile(contentsOf: source.path)
                func value(_ name: String) -> String? { file.settings.first { $0.name == name }?.value }
                configs.append(ConfiguredPBX(
                    owner: source.owner, host: value("StarfaceHost") ?? "",
                    xmppPort: value("XmppPort").flatMap { $0.isEmpty ? nil : $0 } ?? defaultXmppPort,
                    sslPort: value("SslPort").flatMap { $0.isEmpty ? nil : $0 } ?? defaultSslPort))
            } catch {
                problems.append(unreadable(source.path, error.message))
            }
        }
        return (configs, problems)
    }

    /// Names a set of owners in a finding: the first few, then how many more.
    static func ownerList(_ owners: [String]) -> String {
        let shown = owners.prefix(3).joined(separator: ", ")
        return owners.count > 3 ? "\(shown) (+\(owners.count - 3))" : shown
    }

    /// Reads a port setting: 1–65535, digits only.
    static func portNumber(_ text: String) -> UInt16? {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty, trimmed.count <= 5, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let number = UInt16(trimmed), number > 0 else { return nil }
        return number
    }

    private static func unreadable(_ path: String, _ reason: String) -> Finding {
        .warning(
            "pbx.config-unreadable", en: "\(path): not read, its PBX address is not checked: \(reason)",
            de: "\(path): nicht gelesen, die Adresse der TK-Anlage darin wird nicht geprüft: \(reason)",
            fixEN: "Check the file with ctictl config check.", fixDE: "Die Datei mit ctictl config check prüfen.")
    }
}

/// `StarfaceHost` as typed, taken apart: a scheme (`http://`), a path or a port typed into it,
/// and the host the client would need.
struct HostText: Sendable, Equatable {
    let typed: String
    /// `http`, `https`, ... when the text starts with `scheme://`.
    let scheme: String?
    /// `:5222` typed after the host (not the settings' ports).
    let port: String?
    /// The host alone: trimmed, without scheme, path, port or brackets.
    let host: String

    init(_ typed: String) {
        self.typed = typed
        var rest = Substring(typed.trimmingWhitespace)
        if let separator = rest.firstRange(of: "://"),
           rest[..<separator.lowerBound].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }),
           rest.first?.isLetter == true {
            scheme = String(rest[..<separator.lowerBound]).lowercased()
            rest = rest[separator.upperBound...]
        } else {
            scheme = nil
        }
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<slash] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let after = rest[rest.index(after: close)...]
            port = after.hasPrefix(":") ? String(after.dropFirst()) : nil
            rest = rest[rest.index(after: rest.startIndex)..<close]
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            port = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        } else {
            port = nil
        }
        host = String(rest)
    }

    /// The host as an IP address, or nil for a name.
    var address: IPAddress? { IPAddress(host) }
}

