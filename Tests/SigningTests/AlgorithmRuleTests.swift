import CTICore
import Crypto
import Testing
@testable import Signing

/// One valid signature per ES256 file (low s only), and the RFC 9864 name `Ed25519` beside
/// `EdDSA` for Ed25519 keys, never for EC keys.
@Suite struct AlgorithmRuleTests {
    static let type = "test+jwt"

    func sign(header: String, payload: String = #"{"a":1}"#, key: PrivateSigningKey) throws -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        return input + "." + Base64URL.encode(try key.signature(for: Array(input.utf8)))
    }

    func verify(_ compact: String, kid: String, key: PrivateSigningKey) -> String? {
        do {
            _ = try JWSVerifier(keyring: Keyring(keys: [JWK(kid: kid, key: key.publicKey)])).verify(try CompactJWS(compact: compact), expectedType: Self.type)
            return nil
        } catch let error as CTIFailure {
            return error.code
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func es256SignaturesAreAlwaysLowAndTheirHighTwinIsRefused() throws {
        let key = PrivateSigningKey.generate(.es256)
        for index in 0..<64 {
            let compact = try sign(header: #"{"alg":"ES256","kid":"k","typ":"test+jwt"}"#, payload: #"{"n":\#(index)}"#, key: key)
            let parts = compact.split(separator: ".").map(String.init)
            let signature = try #require(Base64URL.decode(Array(parts[2].utf8)))
            #expect(LowS.isLow(signature))
            #expect(verify(compact, kid: "k", key: key) == nil)
            // The twin (s replaced by n − s) verifies with the raw library: a valid ECDSA signature...
            let high = LowS.twin(signature)
            guard case let .p256(p256) = key.publicKey else { Issue.record("not P-256"); return }
            let parsed = try P256.Signing.ECDSASignature(rawRepresentation: high)
            #expect(p256.isValidSignature(parsed, for: Array((parts[0] + "." + parts[1]).utf8)))
            // ...and ctictl refuses it, with its own code.
            #expect(verify(parts[0] + "." + parts[1] + "." + Base64URL.encode(high), kid: "k", key: key) == "jws.signature-high-s")
            #expect(!key.publicKey.isValidSignature(high, for: Array((parts[0] + "." + parts[1]).utf8)))
        }
    }

    @Test func normalisingIsTheTwinOnlyWhenHigh() {
        let low = [UInt8](repeating: 0x11, count: 32) + LowS.halfOrder
        #expect(LowS.isLow(low) && LowS.normalized(low) == low)
        let high = LowS.twin(low)  // s = n − ⌊n/2⌋ = ⌊n/2⌋ + 1
        #expect(!LowS.isLow(high))
        #expect(LowS.normalized(high) == low)
    }

    @Test func ed25519KeysAcceptBothNamesAndEcKeysNeither() throws {
        let ed = PrivateSigningKey.generate(.eddsa)
        let ec = PrivateSigningKey.generate(.es256)
        for alg in ["EdDSA", "Ed25519"] {
            #expect(verify(try sign(header: #"{"alg":"\#(alg)","kid":"k","typ":"test+jwt"}"#, key: ed), kid: "k", key: ed) == nil)
            #expect(verify(try sign(header: #"{"alg":"\#(alg)","kid":"k","typ":"test+jwt"}"#, key: ec), kid: "k", key: ec) == "jws.alg-mismatch")
        }
        #expect(verify(try sign(header: #"{"alg":"ES256","kid":"k","typ":"test+jwt"}"#, key: ed), kid: "k", key: ed) == "jws.alg-mismatch")
        #expect(verify(try sign(header: #"{"alg":"ed25519","kid":"k","typ":"test+jwt"}"#, key: ed), kid: "k", key: ed) == "jws.alg-mismatch")
        // The issuer still writes EdDSA.
        let header = CompactJWS.encodedHeader(type: Self.type, kid: "k", algorithm: .eddsa)
        #expect(String(decoding: Base64URL.decode(Array(header.utf8)) ?? [], as: UTF8.self).contains(#""alg":"EdDSA""#))
    }

    @Test func aKeyringMayNameAnEd25519KeyEitherWay() throws {
        let key = PrivateSigningKey.generate(.eddsa)
        for alg in ["EdDSA", "Ed25519"] {
            var members = JWK(kid: "k", key: key.publicKey).members
            members["alg"] = .string(alg)
            #expect(try JWK(members: members, context: "k").algorithm == .eddsa)
        }
        var ec = JWK(kid: "e", key: PrivateSigningKey.generate(.es256).publicKey).members
        ec["alg"] = .string("Ed25519")
        #expect(throws: CTIFailure.self) { try JWK(members: ec, context: "e") }
    }
}
