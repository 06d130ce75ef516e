import Foundation
import Signing
import Testing

/// The STARFACE module's Java verifier (docs/integration/java), compiled with `javac`, against
/// the built ctictl: every test vector, licenses ctictl issues, and hand-made signed licenses
/// at the edges of the format. For each file both must give the same status and the same
/// finding codes in the same order. Where no JDK is found the tests say so; under CI they
/// fail, since scripts/test.sh installs it.
enum JavaVerifier {
    static let sources = CLI.packageRoot.appendingPathComponent("docs/integration/java/src")
    static let mainClass = "de.ctictl.license.CtiLicenseVerifier"

    /// `javac` and `java` of one JDK: $JAVA_HOME/bin first, then the PATH.
    static let jdk: (javac: String, java: String)? = {
        let environment = ProcessInfo.processInfo.environment
        let directories = (environment["JAVA_HOME"].map { ["\($0)/bin"] } ?? []) + (environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init)
        for directory in directories {
            let javac = directory + "/javac"
            let java = directory + "/java"
            if FileManager.default.isExecutableFile(atPath: javac) && FileManager.default.isExecutableFile(atPath: java) { return (javac, java) }
        }
        return nil
    }()

    static var usable: Bool { jdk != nil || Interop.isCI }

    /// The sources compiled once per test process (warnings are errors), into the process's
    /// scratch directory, which goes when the process exits: the class path, or why not.
    static let compiled: (classPath: String?, failure: String) = {
        guard let jdk else { return (nil, "javac is missing: run scripts/setup.sh --with-python, which installs openjdk-17-jdk-headless") }
        let files = (FileManager.default.enumerator(atPath: sources.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".java") }.map { sources.appendingPathComponent($0).path }
        guard files.count > 5 else { return (nil, "no Java sources in \(sources.path)") }
        let classes = CLI.scratchHome + "/java-classes"
        do {
            let result = try Process.runCapturing(jdk.javac, ["-Xlint:all", "-Werror", "--release", "17", "-d", classes] + files)
            return result.status == 0 ? (classes, "") : (nil, "javac failed:\n\(result.stdout)\(result.stderr)")
        } catch {
            return (nil, "javac did not run: \(error)")
        }
    }()

    static func classPath() throws -> String {
        try #require(compiled.classPath, "\(compiled.failure)")
    }

    /// What a verifier made of one file: ctictl's status (or `unreadable` for exit 65) and
    /// the codes of its findings, in order.
    struct Outcome: Equatable, CustomStringConvertible {
        let status: String
        let codes: [String]

        var exitStatus: Int32 {
            switch status {
            case "valid": return 0
            case "valid-with-warnings": return 2
            case "unreadable": return 65
            default: return 1
            }
        }

        var description: String { "\(status) \(codes)" }
    }

    /// One file checked with some options, and what must come of it.
    struct Case {
        let file: String
        let options: [String]
        let status: String
        let code: String?
    }

    /// A finding as told in one language: its code, message and fix.
    struct Told: Equatable, CustomStringConvertible {
        let code: String
        var message: String
        var fix: String?

        var description: String { "\(code): \(message)" + (fix.map { " / \($0)" } ?? "") }
    }

    /// Runs the Java verifier once over `files` (one JVM for all): each file's outcome and
    /// its findings as told (in German with `--lang de` among the options).
    static func runJava(_ files: [String], options: [String], classPath: String) throws -> [String: (outcome: Outcome, told: [Told])] {
        let jdk = try #require(jdk)
        let result = try Process.runCapturing(jdk.java, ["-cp", classPath, mainClass] + options + files)
        var outcomes: [String: (outcome: Outcome, told: [Told])] = [:]
        var current: (file: String, status: String, told: [Told])?
        func flush() {
            if let current { outcomes[current.file] = (Outcome(status: current.status, codes: current.told.map(\.code)), current.told) }
        }
        for line in result.stdout.split(separator: "\n").map(String.init) {
            if line.hasPrefix("    "), let colon = line.range(of: ": ") {
                // "    fix: what to do" (or "Abhilfe:")
                if var last = current?.told.popLast() {
                    last.fix = String(line[colon.upperBound...])
                    current?.told.append(last)
                }
            } else if line.hasPrefix("  ") {
                // "  error CODE: message"
                let words = line.dropFirst(2).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
                if words.count == 3 { current?.told.append(Told(code: String(words[1].dropLast()), message: String(words[2]))) }
            } else if let colon = line.range(of: ": ", options: .backwards) {
                flush()
                current = (String(line[..<colon.lowerBound]), String(line[colon.upperBound...]), [])
            }
        }
        flush()
        #expect(result.stderr.isEmpty, "java wrote to stderr: \(result.stderr)")
        let worst = files.compactMap { outcomes[$0]?.outcome.exitStatus }.max { rank($0) < rank($1) } ?? 0
        #expect(result.status == worst, "java's exit status \(result.status) is not the worst of its files' (\(worst)):\n\(result.stdout)")
        return outcomes
    }

    /// The order of exit statuses from good to bad, as the Java command line documents it.
    static func rank(_ status: Int32) -> Int { [0, 2, 1, 65].firstIndex(of: status) ?? 4 }

    /// `ctictl license verify --format json`: its status and finding codes (or its error),
    /// and its findings as told in English and in German (none for an error).
    static func runCtictl(_ file: String, options: [String]) throws -> (outcome: Outcome, english: [Told], german: [Told]) {
        let result = try CLI.run(["license", "verify", file, "--format", "json"] + options)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
        let told: (outcome: Outcome, english: [Told], german: [Told])
        if let error = document["error"] as? [String: Any] {
            let code = try #require(error["code"] as? String)
            told = (Outcome(status: result.status == 65 ? "unreadable" : "invalid", codes: [code]), [], [])
        } else {
            let verification = try #require(document["verification"] as? [String: Any])
            let findings = try #require(verification["findings"] as? [[String: Any]])
            func tell(_ language: String) -> [Told] {
                findings.map { finding in
                    Told(
                        code: finding["code"] as? String ?? "", message: (finding["message"] as? [String: String])?[language] ?? "",
                        fix: (finding["fix"] as? [String: String])?[language])
                }
            }
            told = (Outcome(status: try #require(verification["status"] as? String), codes: findings.compactMap { $0["code"] as? String }), tell("en"), tell("de"))
        }
        #expect(result.status == told.outcome.exitStatus, "ctictl exited \(result.status) for \(told.outcome): \(result.stderr)")
        return told
    }

    /// Each case through both verifiers (Java once per set of options and language): the
    /// outcomes agree, and are what the case expects; the findings' texts are ctictl's, in
    /// German and in English (but for the English message of a refused signature, where
    /// ctictl speaks of itself).
    static func compare(_ cases: [Case], classPath: String) throws {
        var groups: [[String]: [Case]] = [:]
        for item in cases { groups[item.options, default: []].append(item) }
        func comparable(_ english: [Told]) -> [Told] {
            english.map { $0.code.hasPrefix("jws.") ? Told(code: $0.code, message: "", fix: $0.fix) : $0 }
        }
        for (options, group) in groups {
            let english = try runJava(group.map(\.file), options: options, classPath: classPath)
            let german = try runJava(group.map(\.file), options: options + ["--lang", "de"], classPath: classPath)
            for item in group {
                let name = URL(fileURLWithPath: item.file).lastPathComponent
                let ctictl = try runCtictl(item.file, options: options)
                let java = english[item.file]
                #expect(java?.outcome == ctictl.outcome, "\(name) \(options): java \(java.map(\.outcome.description) ?? "no result"), ctictl \(ctictl.outcome)")
                #expect(ctictl.outcome.status == item.status, "\(name) \(options): ctictl \(ctictl.outcome), expected \(item.status)")
                if let code = item.code { #expect(ctictl.outcome.codes.contains(code), "\(name) \(options): ctictl \(ctictl.outcome), expected \(code)") }
                guard ctictl.outcome.status != "unreadable" && !ctictl.german.isEmpty else { continue }
                #expect(german[item.file]?.told == ctictl.german, "\(name) \(options): java \(german[item.file]?.told ?? []), ctictl \(ctictl.german)")
                #expect(comparable(java?.told ?? []) == comparable(ctictl.english), "\(name) \(options): java \(java?.told ?? []), ctictl \(ctictl.english)")
            }
        }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs where a JDK is found (or under CI, where its absence is a failure).
    static var jdkFound: Self {
        .enabled(if: JavaVerifier.usable, "no JDK (javac) found: scripts/setup.sh --with-python installs openjdk-17-jdk-headless")
    }
}

@Suite struct JavaVerifierTests {
    @Test(.jdkFound)
    func everyTestVectorAsCtictl() throws {
        let classPath = try JavaVerifier.classPath()
        let directory = TestVectorCLITests.directory
        let vectors = TestVectorCLITests.vectors
        // Every file of docs/test-vectors is a vector of the manifest.
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".lic") }
        #expect(Set(files) == Set(vectors.compactMap { $0["file"] as? String }))
        #expect(files.count >= 32)
        let cases = try vectors.map { vector in
            let expect = try #require(vector["expect"] as? String)
            let exit = try #require(vector["exit"] as? Int)
            return JavaVerifier.Case(
                file: directory.appendingPathComponent(try #require(vector["file"] as? String)).path,
                options: [
                    "--keyring", directory.appendingPathComponent("keyring.jwks").path, "--at", try #require(vector["at"] as? String),
                    "--product", try #require(vector["product"] as? String), "--pbx-id", try #require(vector["pbxID"] as? String),
                ],
                status: expect == "accept" ? "valid" : (exit == 65 ? "unreadable" : "invalid"), code: vector["code"] as? String)
        }
        try JavaVerifier.compare(cases, classPath: classPath)
    }

    /// Licenses the built ctictl issues, with both algorithms, checked where ctictl's answer
    /// differs: expired, in grace, not yet valid, wrong product, each way a PBX binding can
    /// go, seats, maintenance, a development key with and without permission, a revoked key,
    /// a changed byte, and the bare JWS as pasted into the module's "Lizenz" field.
    @Test(.jdkFound)
    func licensesCtictlIssues() throws {
        let tmp = try TemporaryDirectory()
        let classPath = try JavaVerifier.classPath()
        let ledger = tmp.path("ledger.sqlite")
        for (kid, alg, environment) in [("vendor-ed25519", "EdDSA", "production"), ("vendor-es256", "ES256", "production"), ("vendor-dev", "EdDSA", "development")] {
            let keyring = tmp.path(environment == "development" ? "keys/development.jwks" : "keys/keyring.jwks")
            let generated = try CLI.run(["key", "generate", "--kid", kid, "--alg", alg, "--dir", tmp.path("keys"), "--keyring", keyring, "--environment", environment, "--ledger", ledger])
            try #require(generated.status == 0, "\(generated.stderr)")
        }
        func issue(_ name: String, key: String, _ options: [String]) throws -> String {
            let out = tmp.path(name)
            let issued = try CLI.run(
                ["license", "issue", "--key", tmp.path("keys/\(key).pem"), "--product", "datev-connector", "--customer", "K-1", "--customer-name", "Kanzlei Müller & Söhne",
                 "--seats", "5", "--ledger", ledger, "--out", out] + options)
            #expect(issued.status == 0, "\(name): \(issued.stderr)")
            return out
        }
        let bound = ["--pbx-id", "SF-4711", "--pbx-mac", "00-1A-2B-3C-4D-5E", "--pbx-hostname", "pbx.example.com", "--pbx-required", "2"]
        let ed25519 = try issue("ed25519.lic", key: "vendor-ed25519", ["--expires", "2030-12-31", "--grace-days", "14", "--maintenance-until", "2027-06-30", "--feature", "call-notes"])
        let es256 = try issue("es256.lic", key: "vendor-es256", ["--expires", "2030-12-31", "--grace-days", "14"] + bound)
        let perpetual = try issue("perpetual.lic", key: "vendor-es256", ["--not-before", "2027-01-01"])
        let development = try issue("development.lic", key: "vendor-dev", ["--expires", "2099-12-31"])

        // The bare compact JWS (the "Lizenz" field), and a copy with one payload byte changed.
        let compact = try Interop.compact(es256).compact
        let bare = tmp.path("bare.lic")
        try Data((compact + "\n").utf8).write(to: URL(fileURLWithPath: bare))
        let parts = compact.split(separator: ".").map(String.init)
        let changedPayload = String(parts[1].prefix(10)) + (parts[1].dropFirst(10).first == "A" ? "B" : "A") + String(parts[1].dropFirst(11))
        let changed = tmp.path("changed.lic")
        try Data([parts[0], changedPayload, parts[2]].joined(separator: ".").utf8).write(to: URL(fileURLWithPath: changed))

        // The same keyring with the Ed25519 key revoked.
        let revokedKeyring = tmp.path("revoked.jwks")
        try FileManager.default.copyItem(atPath: tmp.path("keys/keyring.jwks"), toPath: revokedKeyring)
        let revoked = try CLI.run(["key", "revoke", "--kid", "vendor-ed25519", "--keyring", revokedKeyring, "--ledger", ledger])
        try #require(revoked.status == 0, "\(revoked.stderr)")

        let huge = tmp.path("huge.lic")
        try Data(repeating: 0x20, count: (1 << 20) + 1).write(to: URL(fileURLWithPath: huge))
        let longToken = tmp.path("long-token.lic")
        try Data((compact + String(repeating: "A", count: 70_000)).utf8).write(to: URL(fileURLWithPath: longToken))

        let keyring = ["--keyring", tmp.path("keys/keyring.jwks")]
        let at2028 = keyring + ["--at", "2028-03-01T12:00:00Z", "--product", "datev-connector"]
        typealias Case = JavaVerifier.Case
        try JavaVerifier.compare([
            Case(file: ed25519, options: at2028, status: "valid", code: nil),
            Case(file: perpetual, options: at2028, status: "valid", code: nil),
            Case(file: es256, options: at2028 + ["--pbx-id", "SF-4711", "--pbx-mac", "00:1a:2b:3c:4d:5e", "--pbx-hostname", "PBX.example.com."], status: "valid", code: nil),
            Case(file: bare, options: at2028 + ["--pbx-id", " SF-4711 ", "--pbx-mac", "00-1A-2B-3C-4D-5E"], status: "valid", code: nil),
            Case(file: es256, options: at2028 + ["--pbx-id", "SF-4711", "--pbx-mac", "00:1a:2b:3c:4d:5e", "--pbx-hostname", "new-pbx"], status: "valid-with-warnings", code: "license.pbx-factor-changed"),
            Case(file: es256, options: at2028 + ["--pbx-id", "SF-9999", "--pbx-hostname", "pbx.example.com"], status: "invalid", code: "license.pbx-mismatch"),
            Case(file: es256, options: at2028 + ["--pbx-id", "sf-4711"], status: "invalid", code: "license.pbx-mismatch"),
            Case(file: es256, options: at2028, status: "valid-with-warnings", code: "license.pbx-not-checked"),
            Case(file: ed25519, options: keyring + ["--at", "2031-01-10", "--product", "datev-connector"], status: "valid-with-warnings", code: "license.in-grace-period"),
            Case(file: ed25519, options: keyring + ["--at", "2031-01-15T00:00:00Z", "--product", "datev-connector"], status: "invalid", code: "license.expired"),
            Case(file: ed25519, options: keyring + ["--at", "2031-01-14T23:59:59Z", "--product", "datev-connector"], status: "valid-with-warnings", code: "license.in-grace-period"),
            Case(file: perpetual, options: keyring + ["--at", "2026-12-31T23:59:59-01:00"], status: "valid", code: nil),
            Case(file: perpetual, options: keyring + ["--at", "2026-12-31T23:59:59Z"], status: "invalid", code: "license.not-yet-valid"),
            Case(file: ed25519, options: at2028 + ["--product", "crm-groupware"], status: "invalid", code: "license.wrong-product"),
            Case(file: ed25519, options: at2028 + ["--active-users", "6", "--release-date", "2027-07-01"], status: "invalid", code: "license.seats-exceeded"),
            Case(file: ed25519, options: at2028 + ["--active-users", "5", "--release-date", "2027-06-30"], status: "valid", code: nil),
            Case(file: changed, options: at2028, status: "invalid", code: "jws.signature-invalid"),
            Case(file: development, options: ["--keyring", tmp.path("keys/development.jwks"), "--at", "2028-03-01"], status: "invalid", code: "license.development-key"),
            Case(file: development, options: ["--keyring", tmp.path("keys/development.jwks"), "--at", "2028-03-01", "--allow-development-keys"], status: "valid", code: nil),
            Case(file: development, options: at2028, status: "invalid", code: "jws.unknown-key"),
            Case(file: ed25519, options: ["--keyring", revokedKeyring, "--at", "2028-03-01"], status: "invalid", code: "license.key-revoked"),
            // Files that are no license: missing, a directory, over the 1 MiB input limit, a token over 64 KiB.
            Case(file: tmp.path("missing.lic"), options: at2028, status: "unreadable", code: "file.not-found"),
            Case(file: tmp.path("keys"), options: at2028, status: "unreadable", code: "file.is-directory"),
            Case(file: huge, options: at2028, status: "unreadable", code: "file.too-large"),
            Case(file: longToken, options: at2028, status: "unreadable", code: "license.too-large"),
            // The clock (no --at): a license issued now is valid, and not "from the future".
            Case(file: development, options: ["--keyring", tmp.path("keys/development.jwks"), "--allow-development-keys"], status: "valid", code: nil),
        ], classPath: classPath)
    }

    /// Text as e-mail, editors and copy-paste leave it, beyond the vectors: other line ends
    /// and spaces, characters that are no whitespace, invalid UTF-8, other kinds of block.
    @Test(.jdkFound)
    func armorVariantsAsCtictl() throws {
        let tmp = try TemporaryDirectory()
        let classPath = try JavaVerifier.classPath()
        let directory = TestVectorCLITests.directory
        let compact = try Interop.compact(directory.appendingPathComponent("ed25519.lic").path).compact
        let half = compact.index(compact.startIndex, offsetBy: compact.count / 2)
        let (head, tail) = (String(compact[..<half]), String(compact[half...]))
        func armored(_ body: String, separator: String = "\n") -> [UInt8] {
            Array((["Customer: Test", "-----BEGIN CTI LICENSE-----", body, "-----END CTI LICENSE-----", ""].joined(separator: separator)).utf8)
        }
        let variants: [(String, [UInt8], String, String?)] = [
            ("cr-only", armored(head + "\r" + tail, separator: "\r"), "valid", nil),
            ("nel-and-line-separator", armored(head + "\u{85}" + tail, separator: "\u{2028}"), "valid", nil),
            ("zero-width-and-ideographic-spaces", armored("\u{200B}" + head + "\u{3000}\u{FEFF}" + tail + "\u{202F}"), "valid", nil),
            ("vertical-tab-form-feed", armored(head + "\u{0B}\u{0C}" + tail), "valid", nil),
            ("paragraph-separator-inside", armored(head + "\u{2029}" + tail), "valid", nil),
            ("text-after-end", armored(compact) + Array("-- \nKind regards\n".utf8), "valid", nil),
            ("bare-with-comment-like-text", Array("Lizenz: \(compact)".utf8), "unreadable", "armor.invalid-character"),
            ("bom-only", [0xEF, 0xBB, 0xBF], "unreadable", "armor.empty"),
            ("no-break-spaces-only", Array("\u{A0}\u{A0}\n\u{A0}".utf8), "unreadable", "armor.empty"),
            ("empty-block", armored(""), "unreadable", "armor.empty"),
            ("a-letter-with-accent", armored(head + "é" + tail), "unreadable", "armor.invalid-character"),
            ("padding", armored(compact + "=="), "unreadable", "armor.invalid-character"),
            ("control-character", armored(head + "\u{01}" + tail), "unreadable", "armor.invalid-character"),
            ("overlong-utf8", armored(head) + [0xC0, 0xAF] + Array(tail.utf8), "unreadable", "armor.not-text"),
            ("encoded-surrogate", armored(head) + [0xED, 0xA0, 0x80] + Array(tail.utf8), "unreadable", "armor.not-text"),
            ("latin1", Array("Kunde: M".utf8) + [0xFC] + Array("ller\n".utf8) + armored(compact), "unreadable", "armor.not-text"),
            ("end-without-begin", Array((compact + "\n-----END CTI LICENSE-----\n").utf8), "unreadable", "armor.truncated"),
            ("end-before-begin", Array("-----END CTI LICENSE-----\n".utf8) + armored(compact).dropLast(27), "unreadable", "armor.truncated"),
            ("public-key-block", Array("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n".utf8), "unreadable", "armor.wrong-label"),
            ("two-bare-tokens", Array((compact + "\n" + compact).utf8), "unreadable", "armor.multiple"),
            ("two-dots-more", Array((compact + ".x.y").utf8), "unreadable", "armor.multiple"),
            ("one-dot-more", Array((compact + ".x").utf8), "unreadable", "jws.malformed"),
            ("one-part", Array(String(compact.prefix(while: { $0 != "." })).utf8), "unreadable", "jws.malformed"),
            ("empty-payload", Array(compact.replacingOccurrences(of: #"\.[^.]*\."#, with: "..", options: .regularExpression).utf8), "unreadable", "jws.malformed"),
            ("lowercase-armor", Array(String(decoding: armored(compact), as: UTF8.self).lowercased().utf8), "unreadable", "armor.invalid-character"),
        ]
        var cases: [JavaVerifier.Case] = []
        let options = ["--keyring", directory.appendingPathComponent("keyring.jwks").path, "--at", "2027-06-01", "--product", "datev-connector", "--pbx-id", "SF-4711"]
        for (name, bytes, status, code) in variants {
            let path = tmp.path(name + ".lic")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            cases.append(.init(file: path, options: options, status: status, code: code))
        }
        try JavaVerifier.compare(cases, classPath: classPath)
    }

    /// Mistakes on the command line: exit 64 and ctictl's code, from both.
    @Test(.jdkFound)
    func commandLineMistakesAsCtictl() throws {
        let classPath = try JavaVerifier.classPath()
        let jdk = try #require(JavaVerifier.jdk)
        let license = TestVectorCLITests.directory.appendingPathComponent("es256.lic").path
        let keyring = ["--keyring", TestVectorCLITests.directory.appendingPathComponent("keyring.jwks").path]
        let mistakes: [([String], String)] = [
            ([license], "usage.keyring-missing"),
            (keyring, "usage.missing-argument"),
            (keyring + ["--at", "2027-13-01", license], "usage.bad-date"),
            (keyring + ["--at", "2027-01-31T12:00:00.5Z", license], "usage.bad-date"),
            (keyring + ["--bogus", "1", license], "usage.unknown-option"),
            (keyring + ["--active-users", "x", license], "usage.bad-value"),
            (keyring + [license, "--product"], "usage.missing-value"),
        ]
        for (arguments, code) in mistakes {
            let ctictl = try CLI.run(["license", "verify"] + arguments)
            let java = try Process.runCapturing(jdk.java, ["-cp", classPath, JavaVerifier.mainClass] + arguments)
            #expect(ctictl.status == 64 && ctictl.stderr.hasSuffix("[\(code)]\n"), "\(arguments): ctictl \(ctictl.status) \(ctictl.stderr)")
            #expect(java.status == 64 && java.stderr.hasSuffix("[\(code)]\n") && java.stdout.isEmpty, "\(arguments): java \(java.status) \(java.stderr)")
        }
    }

    /// Broken keyrings are refused by both, with the same code (exit 65); odd but sound ones
    /// (the `Ed25519` alg name, members ctictl does not know) are read by both.
    @Test(.jdkFound)
    func keyringsAsCtictl() throws {
        let tmp = try TemporaryDirectory()
        let classPath = try JavaVerifier.classPath()
        let jdk = try #require(JavaVerifier.jdk)
        let license = TestVectorCLITests.directory.appendingPathComponent("ed25519.lic").path
        let ed = #"{"kty":"OKP","crv":"Ed25519","kid":"test-vector-ed25519","x":"lz5F_RKZr8fNriiGnnwJaCmlMDSZfyyfeqJRKUfZ4cs""#
        let es = #"{"kty":"EC","crv":"P-256","kid":"test-vector-es256","x":"vC0P44JXGLuFoH-KUCSzhfWwUcd7Wjm8sa8CMCuBzOA","y":"WGrGL4grHHE6viuQewH6GY2vk38b1EYujySLVlMlIk8""#
        let noKid = ed.replacingOccurrences(of: #""kid":"test-vector-ed25519""#, with: #""kid":"""#)
        // Two spellings of one kid ("café"): equal for ctictl, which compares strings canonically.
        let composed = ed.replacingOccurrences(of: "test-vector-ed25519", with: "caf\u{00E9}")
        let decomposed = es.replacingOccurrences(of: "test-vector-es256", with: "cafe\u{0301}")
        let keyrings: [(String, String?)] = [
            (#"{"keys":[\#(ed)},\#(es)}]}"#, nil),
            (#"{"keys":[\#(ed),"alg":"Ed25519","use":"sig","status":"retired","env":"production","nbf":0,"exp":4102444800,"x5t":"kept"}],"note":1}"#, nil),
            (#"{"keys":[\#(ed),"nbf":1.0e9}]}"#, nil),
            ("not json", "keyring.malformed"),
            (#"{"keys":[\#(ed)}],"keys":[]}"#, "keyring.malformed"),
            ("[]", "keyring.malformed"),
            (#"{"keys":{}}"#, "keyring.malformed"),
            (#"{"keys":[1]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed),"d":"AAAA"}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed),"alg":"ES256"}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed),"alg":null}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed),"use":"enc"}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed),"status":"lost"}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed),"env":"test"}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed),"nbf":1.5}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed),"exp":1e12}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed.replacingOccurrences(of: "4cs", with: "4ct"))}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed.replacingOccurrences(of: "Z4cs", with: ""))}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(es.replacingOccurrences(of: "WGrGL4grH", with: "WGrGL5grH"))}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(noKid)}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed.replacingOccurrences(of: "OKP", with: "RSA"))}]}"#, "keyring.key-invalid"),
            (#"{"keys":[\#(ed)},\#(ed)}]}"#, "keyring.kid-duplicated"),
            (#"{"keys":[\#(composed)},\#(decomposed)}]}"#, "keyring.kid-duplicated"),
        ]
        for (index, (text, code)) in keyrings.enumerated() {
            let path = tmp.path("keyring-\(index).jwks")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let options = ["--keyring", path, "--at", "2027-06-01", "--product", "datev-connector", "--pbx-id", "SF-4711"]
            let ctictl = try JavaVerifier.runCtictl(license, options: options).outcome
            let java = try Process.runCapturing(jdk.java, ["-cp", classPath, JavaVerifier.mainClass] + options + [license])
            if let code {
                #expect(ctictl == JavaVerifier.Outcome(status: "unreadable", codes: [code]), "keyring \(index): ctictl \(ctictl)")
                #expect(java.status == 65 && java.stderr.hasSuffix("[\(code)]\n") && java.stdout.isEmpty, "keyring \(index): java \(java.status) \(java.stderr)")
            } else {
                #expect(ctictl.status == "valid", "keyring \(index): ctictl \(ctictl)")
                #expect(java.status == 0 && java.stdout.hasSuffix(": valid\n"), "keyring \(index): java \(java.status) \(java.stdout)\(java.stderr)")
            }
        }
    }

    /// Licenses ctictl never issues, signed here with fresh keys: the edges of the claims
    /// (limits, profile version, duplicate and canonically equal member names, nulls, whole
    /// numbers written as 5.0), of the header (alg none signed, an empty crit, no kid) and of
    /// the keyring (a key's validity window, a retired key). Both verifiers must agree.
    @Test(.jdkFound)
    func handMadeLicensesAtTheEdges() throws {
        let tmp = try TemporaryDirectory()
        let classPath = try JavaVerifier.classPath()
        let ed25519 = PrivateSigningKey.generate(.eddsa)
        let es256 = PrivateSigningKey.generate(.es256)
        var keyring = Keyring()
        try keyring.add(JWK(kid: "ed", key: ed25519.publicKey))
        try keyring.add(JWK(kid: "es", key: es256.publicKey))
        try keyring.add(JWK(kid: "windowed", key: ed25519.publicKey, notBefore: 1_800_000_000, expires: 1_900_000_000))
        try keyring.add(JWK(kid: "retired", key: es256.publicKey, status: .retired))
        let keyringPath = tmp.path("keyring.jwks")
        try Data(keyring.jsonBytes).write(to: URL(fileURLWithPath: keyringPath))

        let cti = #""cti":{"product":"datev-connector","seats":5,"v":1}"#
        let times = #""iat":1800000000,"nbf":1800000000,"exp":1900000000"#
        let registered = #""iss":"ctictl","sub":"K-1","jti":"CTI-1""#
        func standard(_ extra: String = "") -> String { "{\(cti),\(times),\(registered)\(extra)}" }
        var number = 0
        func signed(_ payload: String, header: String? = nil, key: PrivateSigningKey = ed25519, kid: String = "ed") throws -> String {
            number += 1
            let headerJSON = header ?? #"{"alg":"\#(key.algorithm.rawValue)","kid":"\#(kid)","typ":"cti-license+jwt"}"#
            let compact = try CompactJWS.sign(payload: Array(payload.utf8), encodedHeader: Base64URL.encode(Array(headerJSON.utf8)), key: key)
            let path = tmp.path("made-\(number).lic")
            try Data(Armor(label: "CTI LICENSE").write(ArmoredText(compact: compact, comments: ["Made by JavaVerifierTests"])).utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        let long = String(repeating: "x", count: 129)
        let payloads: [(String, String, String?)] = [
            (standard(), "valid", nil),
            ("{\(cti),\(times),\(registered),\"cti\":{}}", "unreadable", "license.claims-malformed"),
            (standard(#","su\u0062":"K-2""#), "unreadable", "license.claims-malformed"),
            (standard(#","note":"caf\#u{00E9}","not\#u{0065}\#u{0301}":1"#), "valid", nil),
            (standard(#","caf\#u{00E9}":1,"cafe\#u{0301}":2"#), "unreadable", "license.claims-malformed"),
            (standard(#","extra":null,"future":{"a":[1,2,{"b":true}]}"#), "valid", nil),
            (#"{"cti":{"product":"datev-connector","seats":5.0,"v":1,"grace_days":null},"iat":1.8e9,"nbf":1800000000,"exp":1900000000,\#(registered)}"#, "valid", nil),
            (#"{"cti":{"product":"datev-connector","seats":5.5,"v":1},\#(times),\#(registered)}"#, "unreadable", "license.claims-malformed"),
            (#"{"cti":{"product":"datev-connector","seats":"5","v":1},\#(times),\#(registered)}"#, "unreadable", "license.claims-malformed"),
            (#"{"cti":{"product":"datev-connector","seats":5,"v":2},\#(times),\#(registered)}"#, "invalid", "license.profile-unsupported"),
            (#"{"cti":{"product":"datev-connector","seats":0,"v":2},\#(times),\#(registered)}"#, "invalid", "license.profile-unsupported"),
            (#"{"cti":{"product":"datev-connector","seats":0,"v":1},\#(times),\#(registered)}"#, "unreadable", "license.claims-invalid"),
            (#"{"cti":{"product":"datev-connector","seats":5,"v":1,"customer_name":"A\u001b[2J"},\#(times),\#(registered)}"#, "unreadable", "license.claims-invalid"),
            (#"{"cti":{"product":"datev-connector","seats":5,"v":1,"customer_name":""},\#(times),\#(registered)}"#, "valid", nil),
            (#"{"cti":{"product":"\#(long)","seats":5,"v":1},\#(times),\#(registered)}"#, "unreadable", "license.claims-invalid"),
            (#"{"cti":{"product":"datev-connector","seats":5,"v":1},"iat":1800000000,"nbf":1900000000,"exp":1900000000,\#(registered)}"#, "unreadable", "license.claims-invalid"),
            (#"{"cti":{"product":"datev-connector","seats":5,"v":1,"grace_days":366},\#(times),\#(registered)}"#, "unreadable", "license.claims-invalid"),
            (#"{"cti":{"product":"datev-connector","seats":5,"v":1,"maintenance_until":"2027-02-29"},\#(times),\#(registered)}"#, "unreadable", "license.claims-malformed"),
            (#"{"cti":{"product":"datev-connector","seats":5,"v":1,"maintenance_until":"2028-02-29"},\#(times),\#(registered)}"#, "valid", nil),
            (#"{"cti":{"product":"datev-connector","seats":5,"v":1,"pbx":{"factors":[],"required":1}},\#(times),\#(registered)}"#, "unreadable", "license.claims-invalid"),
            (#"{"cti":{"product":"datev-connector","seats":5,"v":1,"pbx":{"factors":[{"kind":"instance-id","value":"SF-1"}],"required":4294967297}},\#(times),\#(registered)}"#, "unreadable", "license.claims-invalid"),
            (#"{"cti":{"product":"datev-connector","seats":5,"v":1,"pbx":{"factors":[{"kind":"instance-id","value":"SF-1"},{"kind":"serial","value":"X"}],"required":1}},\#(times),\#(registered)}"#, "valid", nil),
            (#"{"cti":{"product":"datev-connector","seats":5,"v":1,"pbx":{"factors":[{"kind":"instance-id","value":"SF-1"},{"kind":"serial","value":"X"}]}},\#(times),\#(registered)}"#, "invalid", "license.pbx-mismatch"),
            ("[1,2]", "unreadable", "license.claims-malformed"),
            (standard() + " x", "unreadable", "license.claims-malformed"),
            // Nesting: 64 levels are the most (the claims object is the first).
            (standard(",\"deep\":" + String(repeating: "[", count: 63) + String(repeating: "]", count: 63)), "valid", nil),
            (standard(",\"deep\":" + String(repeating: "[", count: 64) + String(repeating: "]", count: 64)), "unreadable", "license.claims-malformed"),
        ]
        var cases: [JavaVerifier.Case] = []
        let options = ["--keyring", keyringPath, "--at", "2028-01-01", "--product", "datev-connector", "--pbx-id", "SF-1"]
        for (payload, status, code) in payloads {
            cases.append(.init(file: try signed(payload), options: options, status: status, code: code))
            cases.append(.init(file: try signed(payload, key: es256, kid: "es"), options: options, status: status, code: code))
        }
        let headers: [(String, String, String?)] = [
            (#"{"alg":"none","kid":"ed","typ":"cti-license+jwt"}"#, "invalid", "jws.alg-none"),
            (#"{"alg":"NONE","kid":"ed","typ":"cti-license+jwt"}"#, "invalid", "jws.alg-none"),
            (#"{"alg":"EdDSA","kid":"ed","typ":"cti-license+jwt","crit":[]}"#, "invalid", "jws.crit-unsupported"),
            (#"{"alg":"EdDSA","kid":"ed","typ":"cti-license+jwt","crit":null}"#, "valid", nil),
            (#"{"alg":"EdDSA","kid":"ed","typ":"CTI-License+JWT"}"#, "valid", nil),
            (#"{"alg":"EdDSA","kid":"ed"}"#, "invalid", "jws.wrong-type"),
            (#"{"alg":"EdDSA","typ":"cti-license+jwt"}"#, "invalid", "jws.kid-missing"),
            (#"{"alg":"eddsa","kid":"ed","typ":"cti-license+jwt"}"#, "invalid", "jws.alg-mismatch"),
            (#"{"alg":"EdDSA","kid":"ed","typ":"cti-license+jwt","kid":"es"}"#, "unreadable", "jws.header-malformed"),
            (#"{"kid":"ed","typ":"cti-license+jwt"}"#, "unreadable", "jws.header-malformed"),
            (#"{"alg":5,"kid":"ed","typ":"cti-license+jwt"}"#, "unreadable", "jws.header-malformed"),
            (#"["EdDSA"]"#, "unreadable", "jws.header-malformed"),
            (#"{"alg":"EdDSA","kid":"windowed","typ":"cti-license+jwt"}"#, "valid", nil),
        ]
        for (header, status, code) in headers {
            cases.append(.init(file: try signed(standard(), header: header), options: options, status: status, code: code))
        }
        let windowed = #"{"alg":"EdDSA","kid":"windowed","typ":"cti-license+jwt"}"#
        cases += [
            .init(file: try signed(standard().replacingOccurrences(of: "\"iat\":1800000000", with: "\"iat\":1799999999"), header: windowed), options: options, status: "invalid", code: "license.key-not-yet-valid"),
            .init(file: try signed(standard().replacingOccurrences(of: "\"iat\":1800000000", with: "\"iat\":1900000000"), header: windowed), options: options, status: "invalid", code: "license.key-expired"),
            .init(file: try signed(standard(), key: es256, kid: "retired"), options: options, status: "valid", code: nil),
            // Signed by the ES256 key under the Ed25519 key's kid: the key decides the algorithm.
            .init(file: try signed(standard(), header: #"{"alg":"ES256","kid":"ed","typ":"cti-license+jwt"}"#, key: es256), options: options, status: "invalid", code: "jws.alg-mismatch"),
        ]
        try JavaVerifier.compare(cases, classPath: classPath)
    }
}
