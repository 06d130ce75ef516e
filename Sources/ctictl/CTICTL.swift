import ArgumentParser
import CTICore
import Foundation

/// The `ctictl` command. Commands parse flags, call one library function and render the
/// result; logic lives in the libraries.
struct CTICTL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctictl",
        abstract: "Offline licensing and configuration service for the CTI products for STARFACE.",
        discussion: """
            `ctictl --version` shows the version, the build (commit) and the release catalogs
            in use. Exit status: 0 ok, 1 invalid or failing, 2 passed with warnings, 64 bad
            usage, 65 unreadable or malformed input, 70 internal error. See docs/cli.md.
            """,
        subcommands: [KeyCommand.self, LicenseCommand.self, CheckCommand.self, DoctorCommand.self, RevocationsCommand.self, LedgerCommand.self, CompatCommand.self, CatalogCommand.self, ConfigCommand.self]
    )

    func run() throws {
        throw CleanExit.helpRequest(self)
    }
}

@main
enum Main {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // Only alone: a root flag would take `--version` from every subcommand
        // (`config check --version 2.6`).
        if arguments == ["--version"] {
            Output.print(BuildInfo.report())
            return
        }
        do {
            if let fast = FastPath.verify(arguments) {
                try fast.run()
                return
            }
        } catch {
            handle(error)
        }
        let command: ParsableCommand
        do {
            command = try CTICTL.parseAsRoot(arguments)
        } catch {
            ArgumentErrors.exit(error, arguments: arguments)  // a usage error (64), or --help (0)
        }
        do {
            if let asynchronous = command as? any AsyncParsableCommand {
                try runToCompletion(asynchronous)
            } else {
                var command = command
                try command.run()
            }
        } catch {
            handle(error)
        }
    }

    /// Runs an async command (`doctor`: its checks run concurrently) from this synchronous
    /// main, which keeps the fast path free of the async entry's start-up work.
    static func runToCompletion(_ command: any AsyncParsableCommand) throws {
        final class Box: @unchecked Sendable {
            var command: any AsyncParsableCommand
            var error: (any Error)?
            init(_ command: any AsyncParsableCommand) { self.command = command }
        }
        let box = Box(command)
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await box.command.run() } catch { box.error = error }
            done.signal()
        }
        done.wait()
        if let error = box.error { throw error }
    }

    static func handle(_ error: Error) -> Never {
        switch error {
        case let exit as ExitCode:
            Output.exit(exit.rawValue)
        case let error as CTIError:
            Output.exit(Output.report(error))
        case _ where String(reflecting: type(of: error)).hasPrefix("ArgumentParser."):
            // e.g. `ctictl help license`: ArgumentParser prints it; a usage error gets one line
            ArgumentErrors.exit(error, arguments: Array(CommandLine.arguments.dropFirst()))
        default:
            Output.exit(Output.report(CTIFailure(.internalError, "internal error: \(error)")))
        }
    }
}

/// The command that runs at every client start, `license verify`, is parsed without
/// ArgumentParser (see `VerifyRun.fastParse`). `CTICTL_NO_FAST_PATH=1` turns this off, so
/// tests can compare both paths.
enum FastPath {
    static func verify(_ arguments: [String]) -> VerifyRun? {
        guard arguments.count > 2, arguments[0] == "license", arguments[1] == "verify" else { return nil }
        guard EnvironmentVariables.value("CTICTL_NO_FAST_PATH") == nil else { return nil }
        return VerifyRun.fastParse(Array(arguments.dropFirst(2)), keyringFromEnvironment: EnvironmentVariables.value("CTICTL_KEYRING"))
    }
}
