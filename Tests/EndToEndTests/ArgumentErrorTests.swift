import Foundation
import Testing

/// A command line ctictl cannot parse gets the error contract of docs/cli.md: one line on
/// stderr naming the option, a stable code, exit 64, and the JSON error document on stdout
/// when `--format json` was asked. `license verify` is run on both of its parsers.
@Suite struct ArgumentErrorTests {
    static let paths: [[String: String]] = [[:], ["CTICTL_NO_FAST_PATH": "1"]]

    static func expectUsageError(
        _ arguments: [String], code: String, naming: [String], environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try CLI.run(arguments, environment: environment)
        #expect(result.status == 64, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "one line expected for \(arguments), got: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("ctictl: error: "), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasSuffix(" [\(code)]\n"), "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        for name in naming { #expect(result.stderr.contains(name), "\(arguments) should name \(name): \(result.stderr)", sourceLocation: sourceLocation) }
        #expect(result.stdout.isEmpty, "\(result.stdout)", sourceLocation: sourceLocation)
    }

    @Test(arguments: paths)
    func licenseVerifyArgumentErrors(environment: [String: String]) throws {
        try Self.expectUsageError(["license", "verify", "a.lic", "--keyring", "k.jwks", "--bogus"], code: "usage.unknown-option", naming: ["--bogus"], environment: environment)
        try Self.expectUsageError(["license", "verify", "a.lic", "--keyring", "k.jwks", "--formt", "json"], code: "usage.unknown-option", naming: ["--formt", "--format"], environment: environment)
        try Self.expectUsageError(["license", "verify", "a.lic", "--keyring"], code: "usage.missing-value", naming: ["--keyring"], environment: environment)
        try Self.expectUsageError(["license", "verify", "a.lic", "--keyring", "k.jwks", "--format", "yaml"], code: "usage.bad-value", naming: ["--format", "yaml", "json"], environment: environment)
        try Self.expectUsageError(["license", "verify", "a.lic", "--keyring", "k.jwks", "--active-users", "many"], code: "usage.bad-value", naming: ["--active-users", "many"], environment: environment)
        try Self.expectUsageError(["license", "verify", "--keyring", "k.jwks"], code: "usage.missing-argument", naming: ["<file>"], environment: environment)
        try Self.expectUsageError(["license", "verify", "a.lic", "b.lic", "--keyring", "k.jwks"], code: "usage.unexpected-argument", naming: ["b.lic"], environment: environment)
    }

    @Test func otherCommandsArgumentErrors() throws {
        try Self.expectUsageError(["ledger", "list", "--bogus"], code: "usage.unknown-option", naming: ["--bogus", "ctictl ledger list --help"])
        try Self.expectUsageError(["ledger", "show"], code: "usage.missing-argument", naming: ["<serial>"])
        try Self.expectUsageError(["key", "generate", "--kid", "k", "--dir", "d", "--alg"], code: "usage.missing-value", naming: ["--alg"])
        try Self.expectUsageError(["ledger", "list", "--format", "xml"], code: "usage.bad-value", naming: ["--format", "xml"])
    }

    @Test func unknownCommandsSuggestTheNearest() throws {
        try Self.expectUsageError(["licnse", "verify", "a.lic"], code: "usage.unknown-command", naming: ["`licnse`", "did you mean `license`?"])
        try Self.expectUsageError(["license", "verfy", "a.lic", "--keyring", "k.jwks"], code: "usage.unknown-command", naming: ["`license verfy`", "did you mean `license verify`?"])
        try Self.expectUsageError(["frobnicate"], code: "usage.unknown-command", naming: ["`frobnicate`", "commands of `ctictl`: key, license"])
        let noGuess = try CLI.run(["frobnicate"])
        #expect(!noGuess.stderr.contains("did you mean"))
    }

    @Test(arguments: paths)
    func jsonWasAskedSoTheErrorDocumentIsPrinted(environment: [String: String]) throws {
        for arguments in [["license", "verify", "a.lic", "--keyring", "k.jwks", "--format", "json", "--bogus"], ["license", "verfy", "--format=json"]] {
            let result = try CLI.run(arguments, environment: environment)
            #expect(result.status == 64)
            #expect(result.stderr.split(separator: "\n").count == 1)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
            #expect(document["schema"] as? String == "ctictl.error/1")
            let error = try #require(document["error"] as? [String: Any])
            #expect(error["exitStatus"] as? Int == 64)
            #expect((error["code"] as? String)?.hasPrefix("usage.") == true)
            #expect(result.stderr.contains(error["message"] as? String ?? "(none)"))
        }
    }

    @Test func helpStillWorks() throws {
        for arguments in [["--help"], ["license", "--help"], ["license", "verify", "--help"], ["help", "license"], ["ledger", "list", "-h"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("USAGE:"), "\(arguments): \(result.stdout)")
            #expect(result.stderr.isEmpty)
        }
    }
}
