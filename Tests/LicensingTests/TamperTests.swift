import CTICore
import Testing
@testable import Licensing
@testable import Signing

/// Every single-bit flip anywhere in the signed bytes or the signature is rejected, and every
/// copy-paste variant of the text is accepted.
@Suite struct TamperTests {
    @Test(arguments: SigningAlgorithm.allCases)
    func everySingleBitFlipIsRejected(_ algorithm: SigningAlgorithm) throws {
        let fixture = LicenseFixture(algorithm)
        let compact = try fixture.license { $0.expires = day("2027-01-01") }.compact
        let verifier = LicenseVerifier(keyring: fixture.keyring)
        let context = VerificationContext(now: day("2026-06-01"))
        let original = Array(compact.utf8)
        #expect(try verifier.verify(original, in: context).status == .valid)
        var accepted: [String] = []
        var signatureFailures = 0
        for index in original.indices {
            for bit in 0..<8 {
                var bytes = original
                bytes[index] ^= UInt8(1 << bit)
                // Rejected either as unreadable (throws) or as invalid; never valid.
                guard let result = try? verifier.verify(bytes, in: context) else { continue }
                if result.status != .invalid { accepted.append("byte \(index) bit \(bit)") }
                if result.codes == ["jws.signature-invalid"] { signatureFailures += 1 }
            }
        }
        #expect(accepted.isEmpty, "accepted after a bit flip: \(accepted.prefix(10))")
        // It is the signature check that refuses them, not only the parser: about half of all
        // flips leave readable base64url and reach it (a third is the floor).
        #expect(signatureFailures * 3 >= original.count * 8, "only \(signatureFailures) of \(original.count * 8) flips reached the signature check")
    }

    @Test func aChangedClaimWithAValidLookIsASignatureFailure() throws {
        let fixture = LicenseFixture()
        let jws = try CompactJWS(compact: try fixture.license().compact)
        // Re-encode the payload with 1000 seats, keep header and signature.
        var claims = try LicenseFormat.decodeClaims(jws.payload)
        claims.cti.seats = 1000
        let parts = jws.compact.split(separator: ".")
        let forged = "\(parts[0]).\(Base64URL.encode(CanonicalJSON.compact(claims))).\(parts[2])"
        let result = try fixture.verify(forged, at: day("2026-06-01"))
        #expect(result.codes == ["jws.signature-invalid"])
        #expect(result.license == nil)
    }
}
