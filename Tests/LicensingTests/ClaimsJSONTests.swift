import CTICore
import Foundation
import PropertyBased
import Signing
import Testing
@testable import Licensing

/// The hand-written JSON of claims and requests must be byte for byte what Foundation's
/// JSONEncoder writes for their Codable conformance (sorted keys): licenses signed before
/// and after stay comparable, and any JSON library reads them back to the same values.
@Suite struct ClaimsJSONTests {
    /// Text with everything JSON escapes or may trip on: quotes, backslashes, control
    /// characters, slashes, umlauts, emoji.
    static let texts = ["K-10023", "Müller & Söhne", "a\"b", "back\\slash", "tab\there", "line\nbreak", "\u{01}\u{1F}", "a/b", "😀", ""]

    /// A request built from random numbers: each picks a text, a value, or leaves an
    /// optional member out.
    static let request = Gen.int(in: 0...4_000_000_000).array(of: 16).map { Self.request(from: $0) }

    static func request(from n: [Int]) -> LicenseRequest {
        func text(_ index: Int) -> String { texts[n[index] % texts.count] }
        func maybe<T>(_ index: Int, _ value: T) -> T? { n[index] % 3 == 0 ? nil : value }
        let factors = (0...(n[5] % 3)).map { PBXFactor(kind: text(($0 + 6) % 16), value: text(7)) }
        return LicenseRequest(
            customerID: text(0), customerName: maybe(1, text(1)), product: text(2), features: (0..<(n[3] % 4)).map { text(($0 + 3) % 16) },
            seats: 1 + n[4] % 500, pbx: maybe(5, PBXBinding(factors: factors, required: 1)), notBefore: maybe(8, Int64(n[8])),
            expires: maybe(9, Int64(n[9])), maintenanceUntil: n[10] % 3 == 0 ? nil : CivilDate(year: 2027, month: 2, day: 1 + n[10] % 28),
            graceDays: maybe(11, n[11] % 60), orderID: maybe(12, text(12)), supersedes: maybe(13, [text(13), text(14)]))
    }

    @Test func requestsAreWrittenAsJSONEncoderWritesThem() async {
        await propertyCheck(count: 300, input: Self.request) { request in
            #expect(request.jsonBytes == CanonicalJSON.compact(request))
        }
    }

    @Test func claimsAreWrittenAsJSONEncoderWritesThemAndReadBack() async throws {
        await propertyCheck(count: 300, input: Self.request, Gen.int(in: 0...4_000_000_000)) { request, issuedAt in
            let claims = LicenseClaims(
                iss: request.issuer, sub: request.customerID, jti: "CTI-00000001", iat: Int64(issuedAt), nbf: request.notBefore ?? Int64(issuedAt),
                exp: request.expires,
                cti: CTIClaims(
                    product: request.product, features: request.features, seats: request.seats, pbx: request.pbx,
                    maintenanceUntil: request.maintenanceUntil, graceDays: request.graceDays, customerName: request.customerName,
                    orderID: request.orderID, supersedes: request.supersedes))
            #expect(claims.jsonBytes == CanonicalJSON.compact(claims))
            #expect((try? JSONDecoder().decode(LicenseClaims.self, from: Data(claims.jsonBytes))) == claims)
        }
    }
}
