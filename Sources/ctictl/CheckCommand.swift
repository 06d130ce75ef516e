import ArgumentParser
import CTICore
import StartupCheck
import StartupCheckRunner

/// `ctictl check`: the client's startup check (docs/startup-check.md). The same library call
/// and request as the standalone `ctictl-check` and the C entry point; this only parses flags
/// and prints.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "May the client start? The license, this user's config and the installed combination, checked offline.",
        discussion: "Exit status: 0 start, 2 start with warnings, 1 do not start, 64 bad usage, 65 unreadable input.")

    @OptionGroup var inputs: StartupOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        Output.format = output.format
        let outcome = StartupRun.run(try inputs.invocation())
        switch output.format {
        case .json: Output.jsonDocument(outcome.verdict.json(checkedAt: outcome.checkedAt))
        case .text: Output.print(outcome.verdict.text(language: output.lang.text))
        }
        let status = outcome.verdict.exitStatus
        if status != 0 { throw ExitCode(status) }
    }
}

/// The inputs of the startup check as flags, shared by `check` and `doctor` (one table maps
/// them to request members: StartupFlags).
struct StartupOptions: ParsableArguments {
    @Option(help: "A request or the settings file installed beside the client (ctictl.startup-request/1); flags win over it.")
    var settings: String?
    @Option(help: "The product (datev-connector, connector365-cti, crm-groupware).")
    var product: String?
    @Option(help: "The license file.")
    var license: String?
    @Option(help: "The product's keyring (JWK Set).")
    var keyring: String?
    @Option(help: "The product's signed release catalog (from `ctictl catalog sign`).")
    var catalog: String?
    @Option(help: "This user's settings file (user.config).")
    var config: String?
    @Option(name: .customLong("config-schemas"), help: "The config-schemas folder (default: found as for `config check`).")
    var configSchemas: String?
    @Option(name: .customLong("client-version"), help: "The installed client release.")
    var clientVersion: String?
    @Option(name: .customLong("module-version"), help: "The installed STARFACE module's version number.")
    var moduleVersion: String?
    @Option(name: .customLong("pbx-version"), help: "The PBX's version.")
    var pbxVersion: String?
    @Option(name: .customLong("pbx-id"), help: "The PBX's instance id.")
    var pbxID: String?
    @Option(name: .customLong("pbx-mac"), help: "The PBX's MAC address.")
    var pbxMAC: String?
    @Option(name: .customLong("pbx-hostname"), help: "The PBX's host name.")
    var pbxHostname: String?
    @Option(help: "The DATEV Arbeitsplatz version.")
    var datev: String?
    @Option(name: .customLong("active-users"), help: "Users with the right to use the product.")
    var activeUsers: String?
    @Option(help: "The newest signed revocation list.")
    var revocations: String?
    @Option(help: "A key endorsement (repeatable).")
    var endorsement: [String] = []
    @Option(help: "The verifier state file (created on the first start, rewritten after each).")
    var state: String?
    @Option(help: "Check as of this date or timestamp instead of now (the clock is then not judged).")
    var at: String?
    @Flag(name: .customLong("allow-development-keys"), help: "Accept development keys (never in production).")
    var allowDevelopmentKeys = false

    func invocation() throws -> StartupInvocation {
        var invocation = StartupInvocation()
        if let settings {
            invocation = try StartupInvocation(file: settings, read: InputFile.read)
        }
        let values: [(String, String?)] = [
            ("--product", product), ("--license", license), ("--keyring", keyring), ("--catalog", catalog), ("--config", config),
            ("--config-schemas", configSchemas), ("--client-version", clientVersion), ("--module-version", moduleVersion),
            ("--pbx-version", pbxVersion), ("--pbx-id", pbxID), ("--pbx-mac", pbxMAC), ("--pbx-hostname", pbxHostname), ("--datev", datev),
            ("--active-users", activeUsers), ("--revocations", revocations), ("--state", state), ("--at", at),
        ]
        for case let (flag, value?) in values { try StartupFlags.apply(flag, value, to: &invocation) }
        for path in endorsement { invocation.addEndorsement(path: path) }
        if allowDevelopmentKeys { try invocation.set("allowDevelopmentKeys", .bool(true), source: "--allow-development-keys") }
        return invocation
    }
}
