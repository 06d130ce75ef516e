import CTICore
import Foundation
import Testing
@testable import Signing

@Suite struct JWSTests {
    static let type = "test+jwt"

    func keyring(_ keys: (String, PrivateSigningKey)...) -> Keyring {
        Keyring(keys: keys.map { JWK(kid: $0.0, key: $0.1.publicKey) })
    }

    /// A JWS with any header, signed by `key` (to test rejections that are not about the signature).
    func forge(header: String, payload: String = #"{"a":1}"#, key: PrivateSigningKey) throws -> CompactJWS {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let signature = try key.signature(for: Array(input.utf8))
        return try CompactJWS(compact: input + "." + Base64URL.encode(signature))
    }

    func rejection(_ jws: CompactJWS, _ ring: Keyring) -> String? {
        do {
            _ = try JWSVerifier(keyring: ring).verify(jws, expectedType: Self.type)
            return nil
        } catch let error as CTIFailure {
            return error.code
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test(arguments: SigningAlgorithm.allCases)
    func signsAndVerifies(_ algorithm: SigningAlgorithm) throws {
        let key = PrivateSigningKey.generate(algorithm)
        let compact = try CompactJWS.sign(payload: Array("hello".utf8), type: Self.type, kid: "k1", key: key)
        let jws = try CompactJWS(compact: compact)
        #expect(jws.header == JOSEHeader(alg: algorithm.rawValue, kid: "k1", typ: Self.type))
        #expect(jws.signature.count == 64)
        let verified = try JWSVerifier(keyring: keyring(("k1", key))).verify(jws, expectedType: Self.type)
        #expect(verified.payload == Array("hello".utf8))
        #expect(verified.key.kid == "k1")
    }

    @Test func rejectsAlgNoneCritTypeAndKid() throws {
        let key = PrivateSigningKey.generate(.eddsa)
        let ring = keyring(("k1", key))
        #expect(rejection(try forge(header: #"{"alg":"none","kid":"k1","typ":"test+jwt"}"#, key: key), ring) == "jws.alg-none")
        #expect(rejection(try forge(header: #"{"alg":"EdDSA","kid":"k1","typ":"test+jwt","crit":["exp"]}"#, key: key), ring) == "jws.crit-unsupported")
        #expect(rejection(try forge(header: #"{"alg":"EdDSA","kid":"k1","typ":"JWT"}"#, key: key), ring) == "jws.wrong-type")
        #expect(rejection(try forge(header: #"{"alg":"EdDSA","kid":"k1"}"#, key: key), ring) == "jws.wrong-type")
        #expect(rejection(try forge(header: #"{"alg":"EdDSA","typ":"test+jwt"}"#, key: key), ring) == "jws.kid-missing")
        #expect(rejection(try forge(header: #"{"alg":"EdDSA","kid":"k2","typ":"test+jwt"}"#, key: key), ring) == "jws.unknown-key")
        #expect(rejection(try forge(header: #"{"alg":"EdDSA","kid":"k1","typ":"TEST+JWT"}"#, key: key), ring) == nil)
    }

    @Test func algorithmComesFromTheKeyNotTheHeader() throws {
        let edKey = PrivateSigningKey.generate(.eddsa)
        // An Ed25519 signature with a header claiming ES256: rejected before any verification.
        let forged = try forge(header: #"{"alg":"ES256","kid":"k1","typ":"test+jwt"}"#, key: edKey)
        #expect(rejection(forged, keyring(("k1", edKey))) == "jws.alg-mismatch")
        #expect(rejection(try forge(header: #"{"alg":"HS256","kid":"k1","typ":"test+jwt"}"#, key: edKey), keyring(("k1", edKey))) == "jws.alg-mismatch")
    }

    @Test func rejectsAnotherKeysSignature() throws {
        let key = PrivateSigningKey.generate(.es256)
        let other = PrivateSigningKey.generate(.es256)
        let compact = try CompactJWS.sign(payload: [1, 2, 3], type: Self.type, kid: "k1", key: other)
        #expect(rejection(try CompactJWS(compact: compact), keyring(("k1", key))) == "jws.signature-invalid")
    }

    @Test(arguments: ["", "a.b", "a.b.c.d", "..", "eyJ.eyJ.", "!!.eyJ.abc", "e30.e30.AAAA"])
    func malformedCompactSerializationsThrow(_ text: String) {
        #expect(throws: CTIFailure.self) { _ = try CompactJWS(compact: text) }
    }

    @Test func headerMustBeAJOSEObject() {
        let notJSON = Base64URL.encode(Array("not json".utf8)) + ".e30.AAAA"
        #expect { _ = try CompactJWS(compact: notJSON) } throws: { ($0 as? CTIFailure)?.code == "jws.header-malformed" }
        let noAlg = Base64URL.encode(Array(#"{"kid":"x"}"#.utf8)) + ".e30.AAAA"
        #expect { _ = try CompactJWS(compact: noAlg) } throws: { ($0 as? CTIFailure)?.code == "jws.header-malformed" }
    }
}
