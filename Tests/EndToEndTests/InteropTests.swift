import Crypto
import Foundation
import Signing
import Testing

/// Our files checked by implementations that share no code with ctictl: Python's
/// `cryptography` (following docs/license-format.md, Tests/EndToEndTests/interop/interop.py)
/// and `openssl`. Where one is missing the test says so; under CI it fails, since
/// scripts/test.sh installs both.
enum Interop {
    static let script = CLI.packageRoot.appendingPathComponent("Tests/EndToEndTests/interop/interop.py").path
    static let isCI = ProcessInfo.processInfo.environment["CI"] != nil

    static let python: String? = {
        for candidate in ["/usr/bin/env"] {
            if let result = try? Process.runCapturing(candidate, ["python3", "-c", "import cryptography"]), result.status == 0 { return candidate }
        }
        return nil
    }()

    static let openssl: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static var pythonUsable: Bool { python != nil || isCI }
    static var opensslUsable: Bool { openssl != nil || isCI }

    static func runPython(_ arguments: [String]) throws -> CLI.Result {
        let python = try #require(Interop.python, "python3 with `cryptography` is missing: run scripts/test.sh, which installs it")
        return try Process.runCapturing(python, ["python3", script] + arguments)
    }

    static func runOpenSSL(_ arguments: [String]) throws -> CLI.Result {
        let openssl = try #require(Interop.openssl, "openssl is missing: run scripts/test.sh, which installs it")
        return try Process.runCapturing(openssl, arguments)
    }

    /// A vendor with one key per algorithm and a license signed by each.
    static func vendor(in tmp: TemporaryDirectory) throws -> (keyring: String, licenses: [String: String]) {
        var licenses: [String: String] = [:]
        for (kid, alg) in [("vendor-ed25519", "EdDSA"), ("vendor-es256", "ES256")] {
            #expect(try CLI.run(["key", "generate", "--kid", kid, "--alg", alg, "--dir", tmp.path("keys")]).status == 0)
            let out = tmp.path("\(alg).lic")
            let issued = try CLI.run([
                "license", "issue", "--key", tmp.path("keys/\(kid).pem"), "--product", "datev-connector", "--customer", "K-1",
                "--customer-name", "Kanzlei Müller & Söhne", "--seats", "5", "--feature", "call-notes", "--expires", "2099-12-31",
                "--ledger", tmp.path("ledger.sqlite"), "--out", out,
            ])
            #expect(issued.status == 0, "\(issued.stderr)")
            licenses[alg] = out
        }
        return (tmp.path("keys/keyring.jwks"), licenses)
    }

    static func compact(_ path: String) throws -> CompactJWS {
        try CompactJWS(compact: try Armor(label: "CTI LICENSE").read(Array(FileManager.default.contents(atPath: path) ?? Data())).compact)
    }
}

@Suite(.serialized) struct InteropTests {
    @Test(.enabled(if: Interop.pythonUsable, "python3 with `cryptography` is not installed (scripts/test.sh installs it)"))
    func pythonVerifiesWhatCtictlIssues() throws {
        let tmp = try TemporaryDirectory()
        let (keyring, licenses) = try Interop.vendor(in: tmp)
        // And a changed copy, which must fail there too.
        let text = try String(contentsOfFile: licenses["EdDSA"]!, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var changed = lines
        let bodyLine = try #require(lines.firstIndex(of: "-----BEGIN CTI LICENSE-----")) + 3
        changed[bodyLine] = String(changed[bodyLine].map { $0 == "A" ? "B" : ($0 == "B" ? "A" : $0) })
        try changed.joined(separator: "\n").write(toFile: tmp.path("changed.lic"), atomically: true, encoding: .utf8)

        let good = try Interop.runPython(["verify", keyring, licenses["EdDSA"]!, licenses["ES256"]!])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout == "OK CTI-00000001\nOK CTI-00000002\n")
        let bad = try Interop.runPython(["verify", keyring, tmp.path("changed.lic")])
        #expect(bad.status == 1)
        #expect(bad.stdout.hasPrefix("FAIL"))
    }

    /// A ledger checkpoint (docs/ledger.md) is a JWS an independent implementation verifies:
    /// signed by either kind of key, its head is the one `ledger verify` reports; changed, it fails.
    @Test(.enabled(if: Interop.pythonUsable, "python3 with `cryptography` is not installed (scripts/test.sh installs it)"))
    func pythonVerifiesLedgerCheckpoints() throws {
        let tmp = try TemporaryDirectory()
        let (keyring, _) = try Interop.vendor(in: tmp)
        for kid in ["vendor-ed25519", "vendor-es256"] {
            let file = tmp.path("\(kid).ckpt")
            let signed = try CLI.run(["ledger", "checkpoint", "--key", tmp.path("keys/\(kid).pem"), "--out", file, "--ledger", tmp.path("ledger.sqlite"), "--format", "json"])
            #expect(signed.status == 0, "\(signed.stderr)")
            let document = try JSONSerialization.jsonObject(with: Data(signed.stdout.utf8)) as? [String: Any]
            let claims = try #require(document?["checkpoint"] as? [String: Any])
            let python = try Interop.runPython(["verify-checkpoint", keyring, file])
            #expect(python.status == 0, "\(python.stdout)\(python.stderr)")
            #expect(python.stdout == "OK \(claims["audit_rows"] ?? "") \(claims["head"] ?? "") CTI-00000002\n", "\(python.stdout)")
        }
        let text = try String(contentsOfFile: tmp.path("vendor-ed25519.ckpt"), encoding: .utf8)
        let changed = text.replacingOccurrences(of: "-----BEGIN CTI LEDGER CHECKPOINT-----\n", with: "-----BEGIN CTI LEDGER CHECKPOINT-----\nx")
        try changed.write(toFile: tmp.path("changed.ckpt"), atomically: false, encoding: .utf8)
        #expect(try Interop.runPython(["verify-checkpoint", keyring, tmp.path("changed.ckpt")]).status == 1)
    }

    @Test(.enabled(if: Interop.pythonUsable, "python3 with `cryptography` is not installed (scripts/test.sh installs it)"))
    func ctictlVerifiesWhatPythonSigns() throws {
        let tmp = try TemporaryDirectory()
        let signed = try Interop.runPython(["sign", tmp.url.path])
        #expect(signed.status == 0, "\(signed.stderr)")
        for file in ["python-eddsa.lic", "python-es256.lic"] {
            let result = try CLI.run(["license", "verify", tmp.path(file), "--keyring", tmp.path("python.jwks"), "--product", "datev-connector"])
            #expect(result.status == 0, "\(file): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("customer Pythön GmbH (K-PY)"))
        }
        let tampered = try CLI.run(["license", "verify", tmp.path("python-tampered.lic"), "--keyring", tmp.path("python.jwks")])
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("[jws.signature-invalid]"))
    }

    /// The Python verifier accepts only low-s ES256 signatures, as ctictl does: sixteen
    /// licenses (a signer that did not normalise would make a high s in half of them) all pass.
    @Test(.enabled(if: Interop.pythonUsable, "python3 with `cryptography` is not installed (scripts/test.sh installs it)"))
    func everyES256SignatureCtictlMakesIsLowS() throws {
        let tmp = try TemporaryDirectory()
        #expect(try CLI.run(["key", "generate", "--kid", "es", "--alg", "ES256", "--dir", tmp.path("keys"), "--ledger", tmp.path("l.sqlite")]).status == 0)
        let rows = (1...16).map { "O-\($0),K-\($0),datev-connector,\($0)" }
        try ("order_id,customer_id,product,seats\n" + rows.joined(separator: "\n") + "\n").write(toFile: tmp.path("orders.csv"), atomically: true, encoding: .utf8)
        let batch = try CLI.run(["license", "issue", "--batch", tmp.path("orders.csv"), "--key", tmp.path("keys/es.pem"), "--ledger", tmp.path("l.sqlite"), "--out-dir", tmp.path("out")])
        #expect(batch.status == 0, "\(batch.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: tmp.path("out")).sorted().map { tmp.path("out/" + $0) }
        #expect(files.count == 16)
        let verified = try Interop.runPython(["verify", tmp.path("keys/keyring.jwks")] + files)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    @Test(.enabled(if: Interop.opensslUsable, "openssl is not installed (scripts/test.sh installs it)"))
    func opensslVerifiesTheSignatures() throws {
        let tmp = try TemporaryDirectory()
        let (keyring, licenses) = try Interop.vendor(in: tmp)
        for (alg, kid) in [("EdDSA", "vendor-ed25519"), ("ES256", "vendor-es256")] {
            let pem = try CLI.run(["key", "export", "--kid", kid, "--keyring", keyring])
            try pem.stdout.write(toFile: tmp.path("\(kid).pub.pem"), atomically: true, encoding: .utf8)
            let jws = try Interop.compact(licenses[alg]!)
            try Data(jws.signingInput).write(to: URL(fileURLWithPath: tmp.path("\(alg).input")))
            var tamperedInput = jws.signingInput
            tamperedInput[tamperedInput.count - 5] ^= 0x01
            try Data(tamperedInput).write(to: URL(fileURLWithPath: tmp.path("\(alg).tampered")))
            let result: CLI.Result
            let rejected: CLI.Result
            if alg == "EdDSA" {
                try Data(jws.signature).write(to: URL(fileURLWithPath: tmp.path("\(alg).sig")))
                let arguments = ["pkeyutl", "-verify", "-pubin", "-inkey", tmp.path("\(kid).pub.pem"), "-rawin", "-sigfile", tmp.path("\(alg).sig"), "-in"]
                result = try Interop.runOpenSSL(arguments + [tmp.path("\(alg).input")])
                rejected = try Interop.runOpenSSL(arguments + [tmp.path("\(alg).tampered")])
                #expect(result.stdout.contains("Signature Verified Successfully"))
            } else {
                // JOSE carries r || s; openssl wants DER.
                let der = try P256.Signing.ECDSASignature(rawRepresentation: jws.signature).derRepresentation
                try der.write(to: URL(fileURLWithPath: tmp.path("\(alg).sig.der")))
                let arguments = ["dgst", "-sha256", "-verify", tmp.path("\(kid).pub.pem"), "-signature", tmp.path("\(alg).sig.der")]
                result = try Interop.runOpenSSL(arguments + [tmp.path("\(alg).input")])
                rejected = try Interop.runOpenSSL(arguments + [tmp.path("\(alg).tampered")])
                #expect(result.stdout.contains("Verified OK"))
            }
            #expect(result.status == 0, "\(alg): \(result.stdout)\(result.stderr)")
            #expect(rejected.status != 0, "\(alg): openssl accepted a tampered signing input")
        }
    }

    @Test(.enabled(if: Interop.pythonUsable && Interop.opensslUsable, "python3 with `cryptography` or openssl is not installed (scripts/test.sh installs both)"))
    func encryptedPrivateKeysAreStandardPKCS8() throws {
        let tmp = try TemporaryDirectory()
        try "correct horse battery staple\n".write(toFile: tmp.path("pass"), atomically: true, encoding: .utf8)
        for (kid, alg) in [("enc-ed25519", "EdDSA"), ("enc-es256", "ES256")] {
            #expect(try CLI.run(["key", "generate", "--kid", kid, "--alg", alg, "--dir", tmp.path("keys"), "--passphrase-file", tmp.path("pass")]).status == 0)
            let keyFile = tmp.path("keys/\(kid).pem")
            // Python reads it with the passphrase, and finds the public key of the keyring.
            let python = try Interop.runPython(["public-key", keyFile, "correct horse battery staple"])
            #expect(python.status == 0, "\(python.stderr)")
            let jwk = try CLI.run(["key", "export", "--kid", kid, "--keyring", tmp.path("keys/keyring.jwks"), "--format", "jwk"])
            let members = try #require(try JSONSerialization.jsonObject(with: Data(jwk.stdout.utf8)) as? [String: Any])
            let expected = ([members["x"], members["y"]].compactMap { $0 as? String }).compactMap(Base64URL.decode).flatMap { $0 }
            #expect(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected.map { String(format: "%02x", $0) }.joined())
            // openssl reads it too.
            #expect(try Interop.runOpenSSL(["pkey", "-in", keyFile, "-passin", "file:" + tmp.path("pass"), "-noout"]).status == 0)
        }
        // And a key encrypted by openssl signs with ctictl.
        let opensslKey = tmp.path("openssl.pem")
        #expect(try Interop.runOpenSSL(["genpkey", "-algorithm", "ed25519", "-aes-256-cbc", "-pass", "pass:s3cret", "-out", opensslKey]).status == 0)
        chmod(opensslKey, 0o600)
        let exported = try CLI.run(["key", "export", "--key", opensslKey, "--format", "jwk"], environment: ["CTICTL_PASSPHRASE": "s3cret"])
        #expect(exported.status == 0, "\(exported.stderr)")
        try "{\"keys\": [\(exported.stdout)]}".write(toFile: tmp.path("openssl.jwks"), atomically: true, encoding: .utf8)
        let issued = try CLI.run(
            ["license", "issue", "--key", opensslKey, "--keyring", tmp.path("openssl.jwks"), "--product", "datev-connector", "--customer", "c", "--seats", "1",
             "--ledger", tmp.path("l.sqlite"), "--out", tmp.path("o.lic")],
            environment: ["CTICTL_PASSPHRASE": "s3cret"])
        #expect(issued.status == 0, "\(issued.stderr)")
        #expect(try CLI.run(["license", "verify", tmp.path("o.lic"), "--keyring", tmp.path("openssl.jwks")]).status == 0)
    }

    @Test(.enabled(if: Interop.pythonUsable, "python3 with `jsonschema` is not installed (scripts/test.sh installs it)"))
    func catalogsFollowTheirJSONSchema() throws {
        let python = try #require(Interop.python, "python3 is missing: run scripts/test.sh")
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            for path in sys.argv[2:]:
                jsonschema.validate(json.load(open(path)), schema, cls=jsonschema.Draft202012Validator)
            print("valid", len(sys.argv) - 2)
            """
        let root = CLI.packageRoot.appendingPathComponent("config-schemas").path
        let result = try Process.runCapturing(python, [
            "python3", "-c", script, root + "/releases.schema.json", root + "/datev-connector/releases.json",
            root + "/connector365-cti/releases.json", root + "/crm-groupware/releases.json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "valid 3\n")
    }
}
