import ArgumentParser
import CTICore

/// A command line that ArgumentParser refuses gets the documented error contract, like every
/// other error: one line on stderr naming the option, a stable code, exit 64, and the JSON
/// error document when `--format json` was among the arguments. `--help` and `help` print
/// ArgumentParser's help as ever (exit 0).
enum ArgumentErrors {
    static func exit(_ error: Error, arguments: [String]) -> Never {
        guard CTICTL.exitCode(for: error) != .success else { CTICTL.exit(withError: error) }
        if requestsJSON(arguments) { Output.format = .json }
        Output.exit(Output.report(describe(error, arguments: arguments)))
    }

    static func describe(_ error: Error, arguments: [String]) -> CTIFailure {
        if let unknown = unknownCommand(in: arguments) { return unknown }
        // ArgumentParser's message names the option ("Missing value for '--keyring <keyring>'").
        let message = CTICTL.message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
        let help = (["ctictl"] + commandPath(arguments).path + ["--help"]).joined(separator: " ")
        return CTIFailure(code(for: error), "\(message) (see `\(help)`)")
    }

    /// The stable code of the kind of mistake. ArgumentParser's error types are internal; the
    /// name of the `ParserError` case an error carries is what stays put.
    static func code(for error: Error) -> ErrorCode {
        let wrapped = Mirror(reflecting: error).children.first { $0.label == "parserError" }?.value ?? error
        let kind = Mirror(reflecting: wrapped).children.first?.label ?? String(describing: wrapped)
        switch kind {
        case "unknownOption", "invalidOption", "nonAlphanumericShortOption", "missingValueOrUnknownCompositeOption": return .usageUnknownOption
        case "missingValueForOption": return .usageMissingValue
        case "unableToParseValue": return .usageBadValue
        case "noValue": return .usageMissingArgument
        case "unexpectedValueForOption": return .usageUnexpectedValue
        case "unexpectedExtraValues": return .usageUnexpectedArgument
        case "duplicateExclusiveValues": return .usageConflict
        case "missingSubcommand": return .usageMissingCommand
        default: return .usageInvalid
        }
    }

    /// A word where a command belongs that names none (`ctictl licnse verify`), with the
    /// nearest command when the word looks like a typo of one.
    static func unknownCommand(in arguments: [String]) -> CTIFailure? {
        let known = commandPath(arguments)
        guard let word = known.unknownWord else { return nil }
        let names = known.command.configuration.subcommands.map { $0._commandName }
        let suggestion = NearestName.closest(to: word, among: names).map { "; did you mean `\((known.path + [$0]).joined(separator: " "))`?" } ?? ""
        return CTIFailure(.usageUnknownCommand, "unknown command `\((known.path + [word]).joined(separator: " "))`\(suggestion) (commands of `\((["ctictl"] + known.path).joined(separator: " "))`: \(names.joined(separator: ", ")))")
    }

    /// The commands named at the start of the arguments, and the first word where a command
    /// belongs that names none.
    static func commandPath(_ arguments: [String]) -> (path: [String], command: ParsableCommand.Type, unknownWord: String?) {
        var command: ParsableCommand.Type = CTICTL.self
        var path: [String] = []
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !argument.hasPrefix("-") else { break }
            guard let next = subcommands.first(where: { $0._commandName == argument || $0.configuration.aliases.contains(argument) }) else {
                // `help` is ArgumentParser's own command.
                return (path, command, path.isEmpty && argument == "help" ? nil : argument)
            }
            command = next
            path.append(argument)
        }
        return (path, command, nil)
    }

    /// Whether the command line asked for JSON (`--format json` or `--format=json`), read
    /// without a parser: the parser is what failed.
    static func requestsJSON(_ arguments: [String]) -> Bool {
        zip(arguments, arguments.dropFirst()).contains { $0 == "--format" && $1 == "json" } || arguments.contains("--format=json")
    }
}
