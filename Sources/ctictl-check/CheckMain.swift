import CTICore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StartupCheck
import StartupCheckRunner

/// `ctictl-check`: the startup check as the small program a client runs before it starts
/// (docs/startup-check.md). It links the check and below only: no ledger, GRDB,
/// ArgumentParser or full Foundation.
@main
enum CheckMain {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let line: StartupCommandLine
        do {
            line = try StartupCommandLine.parse(arguments) { path throws(FileError) in
                path == "-" ? try SafeFile.readStandardInput() : try SafeFile.read(path)
            }
        } catch {
            StandardStream.error.write(TerminalText.line("ctictl-check: error: \(error.message) [\(error.code)]") + "\n")
            StandardStream.error.write("Run ctictl-check --help for the options.\n")
            // A client that asked for JSON reads a verdict whatever went wrong.
            if zip(arguments, arguments.dropFirst()).contains(where: { $0 == ("--format", "json") }) || arguments.contains("--format=json") {
                StandardStream.output.write(TerminalText.json(StartupVerdict.refused(error).json(checkedAt: nil)))
            }
            exit(error.kind.exitStatus)
        }
        if line.help {
            StandardStream.output.write(StartupCommandLine.usage + "\n")
            exit(0)
        }
        let outcome = StartupRun.run(line.invocation)
        if line.json {
            StandardStream.output.write(TerminalText.json(outcome.verdict.json(checkedAt: outcome.checkedAt)))
        } else {
            StandardStream.output.write(outcome.verdict.text(language: line.german ? \.de : \.en) + "\n")
        }
        exit(outcome.verdict.exitStatus)
    }
}
