import CTICore
import Foundation
import Testing
@testable import Signing

@Suite struct KeyringTests {
    func load(_ json: String) throws -> Keyring {
        try Keyring(jsonBytes: Array(json.utf8), source: "ring.jwks")
    }

    func failure(_ json: String) -> CTIFailure? {
        do {
            _ = try load(json)
            return nil
        } catch {
            return error as? CTIFailure
        }
    }

    let goodKey = #"{"kid":"a","kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","alg":"EdDSA","use":"sig"}"#

    @Test func readsEd25519AndP256Keys() throws {
        let p256 = JWK(kid: "b", key: PrivateSigningKey.generate(.es256).publicKey)
        var ring = try load(#"{"keys":[\#(goodKey)]}"#)
        try ring.add(p256)
        let reread = try Keyring(jsonBytes: ring.jsonBytes, source: "x")
        #expect(reread.keys.map(\.kid) == ["a", "b"])
        #expect(reread.key(withID: "b")?.key == p256.key)
        #expect(reread.key(withID: "a")?.algorithm == .eddsa)
    }

    @Test func rfc7638ThumbprintMatchesTheRFCExampleShape() throws {
        // RFC 8037 §A.3: the thumbprint of its Ed25519 example key.
        let ring = try load(#"{"keys":[\#(goodKey)]}"#)
        #expect(ring.keys[0].thumbprint == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }

    @Test func keepsMembersItDoesNotKnow() throws {
        let ring = try load(#"{"note":"vendor keys","keys":[{"kid":"a","kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","x5u":"https://example.invalid/k"}]}"#)
        let text = String(decoding: ring.jsonBytes, as: UTF8.self)
        #expect(text.contains("\"note\" : \"vendor keys\""))
        #expect(text.contains("\"x5u\" : \"https://example.invalid/k\""))
    }

    @Test func brokenKeysAreNamedWithFileIndexAndMember() {
        let cases: [(String, String)] = [
            (#"{"keys":[\#(goodKey),{"kid":"b","kty":"OKP","crv":"Ed25519","x":"not base64!"}]}"#, "ring.jwks: keys[1] (kid \"b\"): member \"x\" is not valid base64url"),
            (#"{"keys":[{"kid":"b","kty":"OKP","crv":"Ed25519","x":"AAAA"}]}"#, "must decode to 32 bytes, found 3"),
            (#"{"keys":[{"kid":"b","crv":"Ed25519","x":"AAAA"}]}"#, "member \"kty\" is missing"),
            (#"{"keys":[{"kty":"OKP"}]}"#, "keys[0]: member \"kid\" is missing"),
            (#"{"keys":[{"kid":"b","kty":"RSA","crv":"x","x":"AAAA"}]}"#, "unsupported key type kty \"RSA\""),
            (#"{"keys":[{"kid":"b","kty":"EC","crv":"P-256","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","y":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#, "not a point on P-256"),
            (#"{"keys":[{"kid":"b","kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"secret"}]}"#, "contains a private key"),
            (#"{"keys":[{"kid":"b","kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","alg":"ES256"}]}"#, "member \"alg\" is \"ES256\""),
            (#"{"keys":[{"kid":"b","kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","status":"paused"}]}"#, "member \"status\" must be one of"),
            (#"{"keys":[\#(goodKey),\#(goodKey)]}"#, "kid \"a\" appears twice"),
            (#"{"keys":[5]}"#, "keys[0] is not a JSON object"),
            (#"{"kid":"a"}"#, "member \"keys\" is missing"),
            (#"[1,2]"#, "expected a JSON object"),
            ("{\"keys\":[", "not valid JSON"),
        ]
        for (json, expected) in cases {
            let error = failure(json)
            #expect(error?.kind == .malformedInput, "\(json)")
            #expect(error?.message.contains(expected) == true, "\(error?.message ?? "accepted") should contain \(expected)")
            #expect(error?.message.hasPrefix("ring.jwks: ") == true)
        }
    }

    @Test func addRefusesADuplicateKid() throws {
        var ring = try load(#"{"keys":[\#(goodKey)]}"#)
        #expect(throws: CTIFailure.self) { try ring.add(JWK(kid: "a", key: PrivateSigningKey.generate(.eddsa).publicKey)) }
    }

    @Test func rewritingKeepsAVerifiedBackup() throws {
        let tmp = try TemporaryDirectory("ring")
        defer { withExtendedLifetime(tmp) {} }  // removed when the test ends, not after its last use
        let path = tmp.path + "/k.jwks"
        var ring = Keyring()
        try ring.add(JWK(kid: "one", key: PrivateSigningKey.generate(.eddsa).publicKey))
        try ring.write(to: path)
        let first = try SafeFile.read(path)
        try ring.add(JWK(kid: "two", key: PrivateSigningKey.generate(.es256).publicKey))
        try ring.write(to: path)
        #expect(try SafeFile.read(path + ".bak") == first)
        #expect(try Keyring.load(path).keys.count == 2)
    }
}

@Suite struct PrivateKeyFileTests {
    let tmp: TemporaryDirectory
    var dir: String { tmp.path }

    init() throws { tmp = try TemporaryDirectory("keys") }

    @Test(arguments: SigningAlgorithm.allCases)
    func writesMode0600AndReadsBack(_ algorithm: SigningAlgorithm) throws {
        let key = PrivateSigningKey.generate(algorithm)
        let path = dir + "/\(algorithm.rawValue).pem"
        try PrivateKeyFile.write(key, to: path)
        #expect(try SafeFile.mode(of: path) == 0o600)
        #expect(try PrivateKeyFile.load(path).publicKey == key.publicKey)
        #expect(String(decoding: try SafeFile.read(path), as: UTF8.self).hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
    }

    @Test func neverOverwritesAnExistingKey() throws {
        let path = dir + "/once.pem"
        try PrivateKeyFile.write(.generate(.eddsa), to: path)
        #expect { try PrivateKeyFile.write(.generate(.eddsa), to: path) } throws: { ($0 as? FileError)?.reason == .alreadyExists }
    }

    @Test func refusesAKeyOthersCanRead() throws {
        let path = dir + "/open.pem"
        try PrivateKeyFile.write(.generate(.eddsa), to: path)
        chmod(path, 0o644)
        #expect {
            _ = try PrivateKeyFile.load(path)
        } throws: { error in
            let error = error as? FileError
            return error?.code == "key.insecure-permissions" && error?.message.contains("chmod 600") == true
        }
    }

    @Test func encryptsWithAPassphrase() throws {
        let key = PrivateSigningKey.generate(.eddsa)
        let path = dir + "/secret.pem"
        try PrivateKeyFile.write(key, to: path, passphrase: Array("pässwörd".utf8))
        #expect(try PrivateKeyFile.isEncrypted(at: path))
        #expect(try PrivateKeyFile.load(path, passphrase: Array("pässwörd".utf8)).publicKey == key.publicKey)
        #expect { _ = try PrivateKeyFile.load(path, passphrase: Array("wrong".utf8)) } throws: { ($0 as? CTIFailure)?.code == "key.passphrase-wrong" }
        #expect { _ = try PrivateKeyFile.load(path) } throws: { ($0 as? CTIFailure)?.code == "key.passphrase-required" }
    }

    @Test func rejectsWhatIsNotAPrivateKey() {
        #expect { _ = try PrivateKeyFile.parse("hello", source: "x.pem") } throws: { ($0 as? CTIFailure)?.code == "key.malformed" }
        let publicPEM = PrivateSigningKey.generate(.eddsa).publicKey.pemRepresentation
        #expect { _ = try PrivateKeyFile.parse(publicPEM, source: "x.pem") } throws: { ($0 as? CTIFailure)?.code == "key.unsupported" }
    }

    @Test func descriptionNeverShowsKeyMaterial() {
        let key = PrivateSigningKey.generate(.eddsa)
        #expect(String(describing: key) == "PrivateSigningKey(EdDSA, redacted)")
    }
}

/// Key files go through swift-asn1's PEMDocument; a mailed or hand-edited file still reads.
@Suite struct PEMToleranceTests {
    @Test(arguments: [PrivateSigningKey.generate(.eddsa), PrivateSigningKey.generate(.es256)])
    func aKeyFileReadsWithCRLFIndentationAndSurroundingText(_ key: PrivateSigningKey) throws {
        let text = try PrivateKeyFile.pemText(of: key)
        #expect(text.hasPrefix("-----BEGIN PRIVATE KEY-----\n") && text.hasSuffix("-----END PRIVATE KEY-----\n"))
        let mailed = "Here is the key you asked for:\r\n\r\n" + text.split(separator: "\n").map { "    " + $0 }.joined(separator: "\r\n") + "\r\n\r\nRegards\r\n"
        #expect(try PrivateKeyFile.parse(text, source: "plain.pem").publicKey == key.publicKey)
        #expect(try PrivateKeyFile.parse(mailed, source: "mail.txt").publicKey == key.publicKey)
        let broken = text.replacingOccurrences(of: "-----END PRIVATE KEY-----", with: "")
        #expect(throws: CTIFailure.self) { try PrivateKeyFile.parse(broken, source: "cut.pem") }
    }
}
