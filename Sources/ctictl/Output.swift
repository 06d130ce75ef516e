import ArgumentParser
import CTICore
import Foundation

/// How a command prints: text for people (default) or JSON for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

enum Language: String, ExpressibleByArgument, CaseIterable {
    case en
    case de
}

struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(name: .long, help: "Language of messages in text output: en or de.")
    var lang: Language = .en

    /// Makes the command's format and language those of its error line too.
    func apply() {
        Output.format = format
        Output.language = lang
    }
}

enum Output {
    /// The format of the running command, for errors raised before a command could print.
    nonisolated(unsafe) static var format: OutputFormat = .text
    /// The language of the running command (`--lang`), for its error line.
    nonisolated(unsafe) static var language: Language = .en

    // Every text ctictl writes goes through `print`, `json` or `report`, and so through the
    // terminal rule (CTICore `TerminalText`): no control character of an input reaches the
    // terminal as itself.

    /// Text for people on stdout; its lines are ours, every other control is escaped.
    static func print(_ text: String) {
        let text = TerminalText.lines(text)
        StandardStream.output.write(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// One line for people on stderr (a notice beside the output); a line feed inside it is
    /// escaped like any control.
    static func printError(_ line: String) {
        StandardStream.error.write(TerminalText.line(line) + "\n")
    }

    static func json<Body: Encodable>(_ body: Body, schema: String) {
        jsonDocument(CanonicalJSON.pretty(JSONDocument(schema: schema, body: body)))
    }

    /// A JSON document a library wrote (with its `schema` first), on stdout.
    static func jsonDocument(_ bytes: [UInt8]) {
        StandardStream.output.write(TerminalText.json(bytes))
    }

    /// Prints an error in one line on stderr — a line feed inside it is escaped like any
    /// control — (and as JSON on stdout with --format json); returns the documented exit
    /// status of its kind.
    static func report(_ error: CTIError) -> Int32 {
        let german = language == .de ? error.german : nil
        printError("ctictl: \(german == nil ? "error" : "Fehler"): \(german ?? error.message) [\(error.code)]")
        if format == .json {
            struct Body: Encodable {
                let code: String
                let message: String
                let exitStatus: Int32
            }
            json(["error": Body(code: error.code, message: error.message, exitStatus: error.kind.exitStatus)], schema: "ctictl.error/1")
        }
        return error.kind.exitStatus
    }

    static func exit(_ status: Int32) -> Never {
        Foundation.exit(status)
    }
}


