import Foundation
import Testing

/// The examples in docs/*.md are run, and their output compared, so the documentation cannot
/// drift from the tool. In a ```console block, `$ ` lines are commands (run with bash, in one
/// scratch directory per document, `ctictl` on PATH, the repository's keys/ copied in); the
/// lines after a command are its expected output (stdout then stderr); `…` matches any text
/// within a line; a non-zero exit status is shown as a last line `[exit N]`.
@Suite struct DocExampleTests {
    struct Example {
        let document: String
        let line: Int
        let command: String
        let expected: [String]
    }

    static func examples(in document: String) throws -> [Example] {
        let text = try String(contentsOf: CLI.packageRoot.appendingPathComponent("docs/\(document)"), encoding: .utf8)
        var examples: [Example] = []
        var inConsole = false
        var current: (line: Int, command: String, expected: [String])?
        func flush() {
            if let current { examples.append(Example(document: document, line: current.line, command: current.command, expected: current.expected)) }
            current = nil
        }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") {
                if inConsole { flush() }
                inConsole = line == "```console"
                continue
            }
            guard inConsole else { continue }
            if line.hasPrefix("$ ") {
                flush()
                current = (index + 1, String(line.dropFirst(2)), [])
            } else if current != nil {
                current!.expected.append(String(line))
            }
        }
        return examples
    }

    static let documents = ["cli.md", "keys.md", "ledger.md", "policies.md", "batch.md", "release-catalog.md", "versions-and-ranges.md", "config.md", "startup-check.md", "doctor.md"]

    @Test(arguments: documents)
    func examplesRunAsDocumented(document: String) throws {
        let examples = try Self.examples(in: document)
        #expect(!examples.isEmpty, "\(document) has no console examples")
        let tmp = try TemporaryDirectory()
        try FileManager.default.copyItem(at: CLI.packageRoot.appendingPathComponent("keys"), to: tmp.url.appendingPathComponent("keys"))
        try FileManager.default.copyItem(at: CLI.packageRoot.appendingPathComponent("config-schemas"), to: tmp.url.appendingPathComponent("config-schemas"))
        // As a fresh git checkout has them: git keeps no mode but 644 and 755.
        for file in try FileManager.default.contentsOfDirectory(atPath: tmp.path("keys")) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: tmp.path("keys/" + file))
        }
        let binDirectory = URL(fileURLWithPath: CLI.executable).deletingLastPathComponent().path
        let environment = [
            "PATH": binDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "CTICTL_LEDGER": tmp.path("ledger.sqlite"), "HOME": tmp.path("home"), "COLUMNS": "200",
        ]
        for example in examples {
            let result = try Process.runCapturing("/bin/bash", ["-c", example.command + " 2>&1"], environment: environment, in: tmp.url)
            var actual = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while actual.last == "" { actual.removeLast() }
            if result.status != 0 { actual.append("[exit \(result.status)]") }
            var expected = example.expected
            while expected.last == "" { expected.removeLast() }
            let matches = actual.count == expected.count && zip(expected, actual).allSatisfy { Self.line($0, matches: $1) }
            #expect(matches, "\(example.document):\(example.line): `\(example.command)`\n--- expected\n\(expected.joined(separator: "\n"))\n--- actual\n\(actual.joined(separator: "\n"))")
        }
    }

    /// `…` in the expected line matches any run of characters.
    static func line(_ pattern: String, matches text: String) -> Bool {
        let parts = pattern.components(separatedBy: "…")
        guard parts.count > 1 else { return pattern == text }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}
