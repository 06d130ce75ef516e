import ArgumentParser
import CTICore

/// The `ctictl` command. Commands parse flags, call one library function and render the
/// result; logic lives in the libraries.
struct CTICTL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctictl",
        abstract: "Offline licensing and configuration service for the CTI products for STARFACE.",
        discussion: """
            Exit status: 0 ok, 1 invalid or failing, 2 passed with warnings, 64 bad usage,
            65 unreadable or malformed input, 70 internal error. See docs/cli.md.
            """,
        version: "0.1.0",
        subcommands: [KeyCommand.self, LicenseCommand.self, LedgerCommand.self]
    )
}

@main
enum Main {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let command: ParsableCommand
        do {
            command = try FastPath.parse(arguments) ?? CTICTL.parseAsRoot(arguments)
        } catch {
            CTICTL.exit(withError: error)  // usage errors and --help, exit 64 or 0
        }
        do {
            var command = command
            try command.run()
        } catch let exit as ExitCode {
            Output.exit(exit.rawValue)
        } catch let error as CTIError {
            Output.exit(Output.report(error))
        } catch where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            CTICTL.exit(withError: error)  // e.g. `ctictl help license`: ArgumentParser prints it
        } catch {
            Output.exit(Output.report(GenericCTIError(code: "internal", message: "internal error: \(error)", kind: .internal)))
        }
    }
}

/// The commands that run at every client start are parsed directly, without building the
/// whole command tree (ArgumentParser reflects over every command, which costs milliseconds
/// of process start). Anything the direct parse does not accept (--help, a typo) goes through
/// the full tree, so messages stay exactly as they are.
enum FastPath {
    static func parse(_ arguments: [String]) -> ParsableCommand? {
        guard arguments.count > 2, arguments[0] == "license", arguments[1] == "verify" else { return nil }
        return try? LicenseCommand.Verify.parse(Array(arguments.dropFirst(2)))
    }
}
