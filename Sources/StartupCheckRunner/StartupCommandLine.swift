import CTICore
import StartupCheck

/// The check's command-line flags, one table for `ctictl check` and the standalone
/// `ctictl-check`: each flag sets one request member (docs/startup-check.md, "Flags").
public enum StartupFlags {
    /// Flags with a value, and the request member each sets.
    public static let valued: [(flag: String, member: String)] = [
        ("--product", "product"), ("--license", "license"), ("--keyring", "keyring"), ("--catalog", "catalog"),
        ("--revocations", "revocations"), ("--state", "state"), ("--config", "config"), ("--config-schemas", "configSchemas"),
        ("--client-version", "clientVersion"), ("--module-version", "moduleVersion"), ("--pbx-version", "pbxVersion"),
        ("--pbx-id", "pbxId"), ("--pbx-mac", "pbxMac"), ("--pbx-hostname", "pbxHostname"), ("--datev", "datevVersion"),
        ("--active-users", "activeUsers"), ("--at", "at"),
    ]

    /// Sets the member of `flag` from its text (a number for the integer members).
    public static func apply(_ flag: String, _ text: String, to invocation: inout StartupInvocation) throws(CTIFailure) {
        guard let member = valued.first(where: { $0.flag == flag })?.member else {
            throw CTIFailure(.startupRequestMalformed, "unknown option \(flag)")
        }
        if StartupInvocation.integers.contains(member) {
            guard let number = Int(text), number >= 0 else { throw CTIFailure(.startupRequestMalformed, "\(flag) \"\(text)\": expected a whole number") }
            try invocation.set(member, .number(Double(number)), source: flag)
        } else {
            try invocation.set(member, .string(text), source: flag)
        }
    }
}

/// The standalone check's command line, parsed without ArgumentParser (it would cost the
/// client about 2 ms of every start, and the client build does not link it).
public struct StartupCommandLine: Sendable {
    public var invocation = StartupInvocation()
    public var json = false
    public var german = false
    public var help = false

    public static let usage = """
        usage: ctictl-check [--settings FILE] [--request FILE|-] [--format text|json] [--lang en|de]
                            [--product P] [--license FILE] [--keyring FILE] [--catalog FILE] [--config FILE]
                            [--client-version V] [--module-version N] [--pbx-version V] [--pbx-id ID]
                            [--pbx-mac MAC] [--pbx-hostname NAME] [--datev V] [--active-users N]
                            [--revocations FILE] [--endorsement FILE]... [--state FILE] [--config-schemas DIR]
                            [--at DATE] [--allow-development-keys]
        Exit status: 0 start, 2 start with warnings, 1 do not start, 64 bad usage, 65 unreadable input.
        """

    /// Parses the arguments; `readFile` reads `--settings`/`--request` (given so tests and the
    /// C entry point can share this). Settings and request documents come first, flags win.
    public static func parse(_ arguments: [String], readFile: (String) throws -> [UInt8]) throws(CTIFailure) -> StartupCommandLine {
        var line = StartupCommandLine()
        var flags: [(String, String)] = []
        var endorsements: [String] = []
        var documents: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            var name = argument
            var value: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            switch name {
            case "--help", "-h": line.help = true; continue
            case "--allow-development-keys": try line.invocation.set("allowDevelopmentKeys", .bool(true), source: name); continue
            default: break
            }
            guard name.hasPrefix("--") else { throw CTIFailure(.startupRequestMalformed, "unexpected argument \"\(argument)\"; every input is given by a flag (see --help)") }
            if value == nil {
                guard index < arguments.count else { throw CTIFailure(.startupRequestMalformed, "\(name) needs a value") }
                value = arguments[index]
                index += 1
            }
            let text = value ?? ""
            switch name {
            case "--format":
                guard text == "json" || text == "text" else { throw CTIFailure(.startupRequestMalformed, "--format \"\(text)\": expected text or json") }
                line.json = text == "json"
            case "--lang":
                guard text == "de" || text == "en" else { throw CTIFailure(.startupRequestMalformed, "--lang \"\(text)\": expected en or de") }
                line.german = text == "de"
            case "--settings", "--request": documents.append(text)
            case "--endorsement": endorsements.append(text)
            default:
                guard StartupFlags.valued.contains(where: { $0.flag == name }) else {
                    let hint = NearestName.closest(to: name, among: StartupFlags.valued.map(\.flag) + ["--settings", "--request", "--endorsement", "--format", "--lang"])
                    throw CTIFailure(.startupRequestMalformed, "unknown option \(name)" + (hint.map { "; did you mean \($0)?" } ?? ""))
                }
                flags.append((name, text))
            }
        }
        for path in documents {
            let document = try StartupInvocation(file: path, read: readFile)
            for (member, value) in document.members { try line.invocation.set(member, value, source: path) }
        }
        for (flag, text) in flags { try StartupFlags.apply(flag, text, to: &line.invocation) }
        for path in endorsements { line.invocation.addEndorsement(path: path) }
        return line
    }
}
