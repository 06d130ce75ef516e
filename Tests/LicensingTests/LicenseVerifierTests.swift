import CTICore
import Testing
@testable import Licensing
@testable import Signing

@Suite struct LicenseVerifierTests {
    @Test(arguments: SigningAlgorithm.allCases)
    func aFreshLicenseIsValid(_ algorithm: SigningAlgorithm) throws {
        let fixture = LicenseFixture(algorithm)
        let license = try fixture.license { $0.expires = day("2027-01-01") }
        let result = try fixture.verify(license.text, at: day("2026-06-01"), product: "datev-connector")
        #expect(result.status == .valid)
        #expect(result.findings.isEmpty)
        #expect(result.license?.claims == license.claims)
        #expect(result.license?.algorithm == algorithm)
        #expect(result.policies.map(\.name) == ["signature", "signing-key", "validity", "product", "pbx-binding", "seats", "maintenance", "revocation", "clock"])
        // What had nothing to check (no PBX binding, no user count, no release, no revocation
        // list) is skipped, not passed.
        #expect(result.policies.map(\.verdict) == [.pass, .pass, .pass, .pass, .skipped, .skipped, .skipped, .skipped, .pass])
    }

    @Test func validityWindowBoundaries() throws {
        let fixture = LicenseFixture()
        let license = try fixture.license {
            $0.notBefore = day("2026-02-01")
            $0.expires = day("2028-03-01")  // valid through the leap day 2028-02-29
        }
        let text = license.text
        #expect(try fixture.verify(text, at: day("2026-02-01") - 1).codes == ["license.not-yet-valid"])
        #expect(try fixture.verify(text, at: day("2026-02-01")).status == .valid)
        #expect(try fixture.verify(text, at: day("2028-02-29") + 86_399).status == .valid)
        #expect(try fixture.verify(text, at: day("2028-03-01")).codes == ["license.expired"])
    }

    @Test func graceDaysWarnThenFail() throws {
        let fixture = LicenseFixture()
        let text = try fixture.license {
            $0.expires = day("2027-01-01")
            $0.graceDays = 14
        }.text
        let inGrace = try fixture.verify(text, at: day("2027-01-01"))
        #expect(inGrace.status == .validWithWarnings)
        #expect(inGrace.codes == ["license.in-grace-period"])
        #expect(try fixture.verify(text, at: day("2027-01-15") - 1).status == .validWithWarnings)
        #expect(try fixture.verify(text, at: day("2027-01-15")).codes == ["license.expired"])
    }

    @Test func perpetualLicensesNeverExpire() throws {
        let fixture = LicenseFixture()
        let text = try fixture.license().text
        #expect(try fixture.verify(text, at: day("2099-12-31")).status == .valid)
    }

    @Test func productMustMatch() throws {
        let fixture = LicenseFixture()
        let result = try fixture.verify(try fixture.license().text, at: day("2026-06-01"), product: "connector365-cti")
        #expect(result.status == .invalid)
        #expect(result.codes == ["license.wrong-product"])
        #expect(result.findings[0].message.de.contains("connector365-cti"))
        #expect(result.findings[0].fix != nil)
    }

    @Test func pbxBindingKOfN() throws {
        let fixture = LicenseFixture()
        let text = try fixture.license {
            $0.pbx = PBXBinding(
                factors: [PBXFactor(kind: "instance-id", value: "SF-1"), PBXFactor(kind: "mac", value: "00:1A:2B:3C:4D:5E"), PBXFactor(kind: "hostname", value: "pbx.local")],
                required: 2)
        }.text
        let now = day("2026-06-01")
        let same = [PBXFactor(kind: "instance-id", value: "SF-1"), PBXFactor(kind: "mac", value: "00-1a-2b-3c-4d-5e"), PBXFactor(kind: "hostname", value: "PBX.local.")]
        #expect(try fixture.verify(text, at: now, pbx: same).status == .valid)
        let newCard = [PBXFactor(kind: "instance-id", value: "SF-1"), PBXFactor(kind: "mac", value: "00:00:00:00:00:01"), PBXFactor(kind: "hostname", value: "pbx.local")]
        let moved = try fixture.verify(text, at: now, pbx: newCard)
        #expect(moved.status == .validWithWarnings)
        #expect(moved.findings.first?.message.en.contains("2 of 3 factors match") == true)
        #expect(moved.findings.first?.message.en.contains("changed: mac") == true)
        let other = [PBXFactor(kind: "instance-id", value: "SF-2"), PBXFactor(kind: "mac", value: "00:00:00:00:00:01")]
        let wrong = try fixture.verify(text, at: now, pbx: other)
        #expect(wrong.codes == ["license.pbx-mismatch"])
        #expect(wrong.findings[0].message.en.contains("0 of 3 factors match (2 required); changed: instance-id, mac; not observed: hostname"))
        #expect(try fixture.verify(text, at: now).codes == ["license.pbx-not-checked"])
    }

    @Test func keyStatusAndEnvironment() throws {
        var fixture = LicenseFixture(environment: .development)
        let text = try fixture.license().text
        let now = day("2026-06-01")
        #expect(try fixture.verify(text, at: now).codes == ["license.development-key"])
        #expect(try fixture.verify(text, at: now, allowDevelopment: true).status == .valid)
        fixture.jwk.environment = .production
        fixture.jwk.status = .revoked
        #expect(try fixture.verify(text, at: now).codes == ["license.key-revoked"])
        fixture.jwk.status = .retired
        #expect(try fixture.verify(text, at: now).status == .valid)
        fixture.jwk.expires = LicenseFixture.issuedAt
        #expect(try fixture.verify(text, at: now).codes == ["license.key-expired"])
    }

    @Test func reportsAllFindingsNotJustTheFirst() throws {
        let fixture = LicenseFixture(environment: .development)
        let text = try fixture.license { $0.expires = day("2026-03-01") }.text
        let result = try fixture.verify(text, at: day("2026-06-01"), product: "crm-groupware")
        #expect(Set(result.codes) == ["license.development-key", "license.expired", "license.wrong-product"])
    }

    @Test func aSignatureFailureTrustsNothing() throws {
        let fixture = LicenseFixture()
        let other = LicenseFixture()
        let result = try LicenseVerifier(keyring: other.keyring).verify(Array(try fixture.license().text.utf8), in: VerificationContext(now: day("2026-06-01")))
        #expect(result.status == .invalid)
        #expect(result.license == nil)
        #expect(result.codes == ["jws.signature-invalid"])
        #expect(result.policies.dropFirst().allSatisfy { $0.verdict == .skipped })
        #expect(result.policies.dropFirst().allSatisfy { $0.skipReason?.en == "the signature did not verify" })
    }

    @Test func aNewerProfileIsRefusedNotMisread() throws {
        let fixture = LicenseFixture()
        var claims = try fixture.license().claims
        claims.cti.v = 2
        let text = try fixture.issuer.sign(claims).text
        #expect { _ = try fixture.verify(text, at: day("2026-06-01")) } throws: { ($0 as? CTIFailure)?.code == "license.profile-unsupported" }
    }

    @Test func requestsWithNonsenseAreUsageErrors() throws {
        let fixture = LicenseFixture()
        func refusal(_ change: (inout LicenseRequest) -> Void) -> String? {
            do {
                _ = try fixture.license(change)
                return nil
            } catch let error as RequestRefused {
                return error.kind == .usage ? error.message : "not a usage error"
            } catch {
                return "unexpected \(error)"
            }
        }
        #expect(refusal { $0.seats = 0 } == "claim cti.seats is 0; it must be 1 to 1000000")
        #expect(refusal { $0.product = "" } == "claim cti.product is empty")
        #expect(refusal { $0.expires = LicenseFixture.issuedAt - 10 } == "claim exp 2026-01-14T23:59:50Z is not after claim nbf 2026-01-15T00:00:00Z")
        #expect(refusal { $0.pbx = PBXBinding(factors: [PBXFactor(kind: "mac", value: "x")], required: 2) } == "claim cti.pbx.required is 2; it must be 1 to 1")
    }

    @Test func inspectShowsClaimsWithoutTrustingThem() throws {
        let fixture = LicenseFixture()
        let inspected = try LicenseInspector.inspect(Array(try fixture.license().text.utf8))
        #expect(inspected.verified == false)
        #expect(inspected.warning.hasPrefix("NOT VERIFIED"))
        #expect(inspected.claims?.jti == "CTI-00000042")
        #expect(inspected.comments.contains("Customer: Kanzlei Muster (K-10023)"))
    }
}
