import CTICore
import PropertyBased
import Signing
import Testing
@testable import Licensing

/// One set of limits for issuing and verifying: a request within `ClaimLimits` is issued and
/// verifies; one beyond them is refused before signing, naming the field; a license beyond
/// them (signed by hand) is refused by the verifier.
@Suite struct ClaimLimitsTests {
    static let limits = ClaimLimits.standard
    static let fixture = LicenseFixture(.es256)

    /// Printable text that JSON escapes or encodes long: quotes, backslashes, umlauts, emoji.
    static let alphabet: [Unicode.Scalar] = ["a", "Z", "7", "-", " ", "\"", "\\", "/", "ü", "ß", "€", "😀", "\u{A0}", "\u{10FFFF}"]

    /// Text of a length in `lengths`, picked (and filled) from the numbers `n` from `index` on;
    /// lengths at the limit come up often, so the edge is always tried.
    static func text(_ n: [Int], _ index: Int, _ lengths: ClosedRange<Int>) -> String {
        let span = lengths.upperBound - lengths.lowerBound + 1
        let length = n[index] % 4 == 0 ? lengths.upperBound : lengths.lowerBound + n[index] % span
        var scalars = String.UnicodeScalarView()
        for offset in 0..<length { scalars.append(alphabet[(n[(index + 1) % n.count] &+ offset &* 7919) % alphabet.count]) }
        return String(scalars)
    }

    /// A request within every limit, built from random numbers.
    static func request(from n: [Int]) -> LicenseRequest {
        func maybe<T>(_ index: Int, _ value: T) -> T? { n[index] % 3 == 0 ? nil : value }
        let factorCount = 1 + n[5] % limits.pbxFactorCount
        let factors = (0..<factorCount).map { PBXFactor(kind: text(n, 6, 1...limits.idLength), value: text(n, ($0 + 7) % 24, 1...limits.idLength)) }
        let start = Int64(n[8]) % (limits.instants.upperBound - 1)
        return LicenseRequest(
            issuer: text(n, 20, 1...limits.idLength), customerID: text(n, 0, 1...limits.idLength),
            customerName: maybe(1, text(n, 1, 0...limits.nameLength)), product: text(n, 2, 1...limits.idLength),
            features: (0..<(n[3] % (limits.featureCount + 1))).map { text(n, ($0 + 3) % 24, 1...limits.featureLength) },
            seats: limits.seats.lowerBound + n[4] % limits.seats.count, pbx: maybe(5, PBXBinding(factors: factors, required: 1 + n[9] % factorCount)),
            notBefore: start, expires: maybe(10, start + 1 + Int64(n[10]) % (limits.instants.upperBound - start)),
            maintenanceUntil: n[11] % 3 == 0 ? nil : CivilDate(year: 2027, month: 2, day: 1 + n[11] % 28),
            graceDays: maybe(12, n[12] % (limits.graceDays.upperBound + 1)), orderID: maybe(13, text(n, 13, 1...limits.idLength)),
            supersedes: maybe(14, (0..<(1 + n[14] % limits.supersedesCount)).map { text(n, ($0 + 15) % 24, 1...limits.idLength) }))
    }

    static let requests = Gen.int(in: 0...4_000_000_000).array(of: 24).map { Self.request(from: $0) }

    /// Issues `request` at its start and verifies it there, for its product and PBX.
    static func issueAndVerify(_ request: LicenseRequest) throws -> (IssuedLicense, LicenseVerification) {
        let now = request.notBefore ?? 0
        let license = try fixture.issuer.sign(try request.claims(serial: "CTI-00000001", issuedAt: now))
        let context = VerificationContext(now: now, product: request.product, pbxFactors: request.pbx?.factors ?? [], nowIsFromClock: false)
        return (license, try LicenseVerifier(keyring: fixture.keyring).verify(license.textBytes, in: context))
    }

    @Test func whatIsWithinTheLimitsIsIssuedAndVerifies() async {
        await propertyCheck(count: 200, input: Self.requests) { request in
            #expect(request.problems(at: request.notBefore ?? 0).isEmpty)
            do {
                let (license, verification) = try Self.issueAndVerify(request)
                #expect(verification.status != .invalid, "\(verification.codes)")
                #expect(verification.license?.claims == license.claims)
                #expect(license.textBytes.count <= Self.limits.licenseFileBytes)
            } catch {
                Issue.record("refused within the limits: \(error)")
            }
        }
    }

    /// Every limit at once at its maximum, with the characters that grow most when encoded
    /// (four bytes of UTF-8 each; an escaped quote takes two).
    @Test func theLargestLicenseFitsTheFileLimit() throws {
        func longest(_ count: Int) -> String { String(repeating: "😀", count: count) }
        let factors = (0..<Self.limits.pbxFactorCount).map { _ in PBXFactor(kind: longest(Self.limits.idLength), value: longest(Self.limits.idLength)) }
        let request = LicenseRequest(
            issuer: longest(Self.limits.idLength), customerID: longest(Self.limits.idLength),
            customerName: longest(Self.limits.nameLength), product: longest(Self.limits.idLength),
            features: (0..<Self.limits.featureCount).map { _ in longest(Self.limits.featureLength) }, seats: Self.limits.seats.upperBound,
            pbx: PBXBinding(factors: factors), notBefore: 0, expires: Self.limits.instants.upperBound, maintenanceUntil: CivilDate("9999-12-31"),
            graceDays: Self.limits.graceDays.upperBound, orderID: longest(Self.limits.idLength),
            supersedes: (0..<Self.limits.supersedesCount).map { _ in longest(Self.limits.idLength) })
        let (license, verification) = try Self.issueAndVerify(request)
        #expect(license.textBytes.count <= Self.limits.licenseFileBytes, "\(license.textBytes.count) bytes")
        #expect(verification.status != .invalid, "\(verification.codes)")
    }

    /// Ways past one limit each, with the field that must be named.
    static let breakers: [(ClaimField, @Sendable (inout LicenseRequest) -> Void)] = [
        (.seats, { $0.seats = limits.seats.upperBound + 1 }),
        (.seats, { $0.seats = 0 }),
        (.customerID, { $0.customerID = String(repeating: "k", count: limits.idLength + 1) }),
        (.customerID, { $0.customerID = "" }),
        (.customerName, { $0.customerName = String(repeating: "ä", count: limits.nameLength + 1) }),
        (.product, { $0.product = String(repeating: "p", count: limits.idLength + 1) }),
        (.features, { $0.features = (0...limits.featureCount).map { "f\($0)" } }),
        (.features, { $0.features = [String(repeating: "f", count: limits.featureLength + 1)] }),
        (.features, { $0.features = [""] }),
        (.orderID, { $0.orderID = String(repeating: "o", count: limits.idLength + 1) }),
        (.issuer, { $0.issuer = String(repeating: "i", count: limits.idLength + 1) }),
        (.graceDays, { $0.graceDays = limits.graceDays.upperBound + 1 }),
        (.pbxFactors, { $0.pbx = PBXBinding(factors: (0...limits.pbxFactorCount).map { PBXFactor(kind: "mac", value: "m\($0)") }) }),
        (.pbxRequired, { $0.pbx = PBXBinding(factors: [PBXFactor(kind: PBXFactor.mac, value: "m")], required: 2) }),
        (.pbxID, { $0.pbx = PBXBinding(factors: [PBXFactor(kind: PBXFactor.instanceID, value: String(repeating: "x", count: limits.idLength + 1))]) }),
        (.supersedes, { $0.supersedes = (0...limits.supersedesCount).map { "CTI-\($0)" } }),
        (.expires, { $0.expires = limits.instants.upperBound + 1 }),
        (.expires, { $0.expires = $0.notBefore }),
        (.notBefore, { $0.notBefore = -1 }),
    ]

    @Test func beyondTheLimitsTheIssuerRefusesNamingTheField() async {
        await propertyCheck(count: 200, input: Self.requests, Gen.int(in: 0...(Self.breakers.count - 1))) { request, which in
            var request = request
            let (field, breakLimit) = Self.breakers[which]
            breakLimit(&request)
            let problems = request.problems(at: request.notBefore ?? 0)
            #expect(problems.contains { $0.field == field }, "\(problems)")
            #expect(problems.allSatisfy { $0.message(.options).hasPrefix($0.field.option + " ") })
            // The ledger signs only what `claims` returns: nothing comes out to sign.
            #expect(throws: RequestRefused.self) { try request.claims(serial: "CTI-00000001", issuedAt: request.notBefore ?? 0) }
        }
    }

    /// A license beyond the limits, signed by hand (not by ctictl's issuer), is refused by the
    /// verifier with the same rule.
    @Test func theVerifierRefusesWhatTheIssuerWouldNot() throws {
        let claims = LicenseClaims(
            iss: "ctictl", sub: "K-1", jti: "CTI-1", iat: 0, nbf: 0, exp: nil,
            cti: CTIClaims(product: "datev-connector", seats: Self.limits.seats.upperBound + 1, customerName: "A\u{1B}]0;pwned\u{07}"))
        // ctictl's issuer will not sign them...
        #expect(throws: RequestRefused.self) { try Self.fixture.issuer.sign(claims) }
        // ...so they are signed around it, as a forger with the key would.
        let compact = try CompactJWS.sign(payload: claims.jsonBytes, type: LicenseFormat.type, kid: Self.fixture.kid, key: Self.fixture.key)
        #expect {
            _ = try LicenseVerifier(keyring: Self.fixture.keyring).verify(Array(compact.utf8), in: VerificationContext(now: 10, nowIsFromClock: false))
        } throws: { error in
            let error = error as? CTIFailure
            return error?.code == "license.claims-invalid" && error?.message.contains("claim cti.seats") == true
                && error?.message.contains("claim cti.customer_name contains the control character U+001B") == true
        }
        let padded = CompactJWS.encodedHeader(type: LicenseFormat.type, kid: Self.fixture.kid, algorithm: .es256) + "."
            + String(repeating: "A", count: Self.limits.licenseFileBytes) + ".AAAA"
        let tooLarge = Array(padded.utf8)
        #expect {
            _ = try LicenseVerifier(keyring: Self.fixture.keyring).verify(tooLarge, in: VerificationContext(now: 10, nowIsFromClock: false))
        } throws: { ($0 as? CTIFailure)?.code == "license.too-large" }
    }

    /// C0, DEL and C1 in any text claim: refused, naming the option.
    @Test(arguments: ["\u{1B}[2K\rVERIFIED", "\u{7F}", "\u{85}", "\u{9B}31m", "tab\there", "a\nb", "\u{0}"])
    func controlCharactersAreRefusedInEveryTextField(_ control: String) {
        let fields: [(ClaimField, (inout LicenseRequest) -> Void)] = [
            (.customerID, { $0.customerID = control }), (.customerName, { $0.customerName = "Muster " + control }),
            (.product, { $0.product = control }), (.features, { $0.features = ["call" + control] }),
            (.orderID, { $0.orderID = control }), (.issuer, { $0.issuer = control }),
            (.pbxHostname, { $0.pbx = PBXBinding(factors: [PBXFactor(kind: PBXFactor.hostname, value: control)]) }),
            (.supersedes, { $0.supersedes = [control] }),
        ]
        for (field, set) in fields {
            var request = LicenseRequest(customerID: "K-1", product: "datev-connector", seats: 1)
            set(&request)
            let problems = request.problems(at: 0)
            #expect(problems.map(\.code) == ["claim.control-character"], "\(field)")
            #expect(problems.first?.message(.options).hasPrefix(field.option + " contains the control character U+00") == true)
        }
    }

    @Test func anExpiryBeforeTheStartNamesBothOptions() throws {
        let today = CivilDate("2026-11-26")!.secondsSince1970 + 3_600
        var request = LicenseRequest(customerID: "K-1", product: "datev-connector", seats: 1, expires: CivilDate("2025-01-01")!.next.secondsSince1970)
        #expect(request.problems(at: today).map { $0.message(.options) } == [
            "--expires 2025-01-01 is not after the start, now (2026-11-26T01:00:00Z), as no --not-before is given: the license would end before it begins"
        ])
        request.notBefore = CivilDate("2025-06-01")!.secondsSince1970
        #expect(request.problems(at: today).map { $0.message(.columns) } == [
            "expires 2025-01-01 is not after the start, not_before 2025-06-01: the license would end before it begins"
        ])
        #expect(request.problems(at: today).first?.code == "claim.expiry-before-start")
    }

    @Test func anUnknownProductNamesTheNearest() {
        let request = LicenseRequest(customerID: "K-1", product: "datev-conector", seats: 1)
        let problems = request.problems(at: 0, products: .builtIn)
        #expect(problems.map { $0.message(.options) } == [
            "--product \"datev-conector\" is not a known product; did you mean datev-connector? the products are connector365-cti, crm-groupware, datev-connector"
        ])
        #expect(problems.first?.code == "license.unknown-product")
        #expect(KnownProducts.builtIn.problem(with: "datev-connector") == nil)
        #expect(KnownProducts.builtIn.problem(with: "something-else").map { $0.message(.columns).contains("did you mean") } == false)
    }
}
