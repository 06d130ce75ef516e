import CTICore
import Testing
@testable import Licensing

/// A policy that had nothing to check says so (skipped, with the reason); it never reports a
/// pass for a check that did not happen.
@Suite struct PolicyOutcomeTests {
    let fixture = LicenseFixture()
    let now = day("2026-06-01")

    /// The policy, carrying its own inputs, on a license made with `configure`, at `now`.
    func outcome(of policy: any LicensePolicy, _ configure: (inout LicenseRequest) -> Void = { _ in }, fromClock: Bool = true) throws -> PolicyOutcome {
        let claims = try fixture.license(configure).claims
        return policy.evaluate(SignedLicenseFacts(claims: claims, key: fixture.jwk), at: VerificationTime(now: now, isFromClock: fromClock))
    }

    @Test func productIsSkippedWithoutAProduct() throws {
        #expect(try outcome(of: ProductPolicy()) == .skipped(en: "no --product given", de: "kein --product angegeben"))
        #expect(try outcome(of: ProductPolicy(product: "datev-connector")) == .passed)
        guard case .checked(let findings) = try outcome(of: ProductPolicy(product: "crm-groupware")) else {
            Issue.record("a wrong product must be checked")
            return
        }
        #expect(findings.map(\.code) == ["license.wrong-product"])
    }

    @Test func seatsAreSkippedWithoutAUserCount() throws {
        #expect(try outcome(of: SeatsPolicy()) == .skipped(en: "no --active-users given", de: "kein --active-users angegeben"))
        #expect(try outcome(of: SeatsPolicy(activeUsers: 10)) == .passed)
    }

    @Test func pbxBindingIsSkippedForAnUnboundLicense() throws {
        #expect(try outcome(of: PBXBindingPolicy(observed: [PBXFactor(kind: PBXFactor.instanceID, value: "SF-1")]))
            == .skipped(en: "the license is not bound to a PBX", de: "die Lizenz ist an keine TK-Anlage gebunden"))
        let bound = try outcome(of: PBXBindingPolicy(observed: [PBXFactor(kind: PBXFactor.instanceID, value: "SF-1")]), { $0.pbx = PBXBinding(factors: [PBXFactor(kind: PBXFactor.instanceID, value: "SF-1")]) })
        #expect(bound == .passed)
    }

    @Test func maintenanceIsSkippedWithoutADateOrARelease() throws {
        let release = CivilDate("2026-05-01")!
        #expect(try outcome(of: MaintenancePolicy(release: RunningRelease(date: release)))
            == .skipped(en: "the license covers every release (no maintenance date)", de: "die Lizenz deckt jede Version ab (kein Wartungsdatum)"))
        let maintained: (inout LicenseRequest) -> Void = { $0.maintenanceUntil = CivilDate("2026-12-31") }
        #expect(try outcome(of: MaintenancePolicy(), maintained)
            == .skipped(en: "no --release or --release-date given", de: "kein --release oder --release-date angegeben"))
        #expect(try outcome(of: MaintenancePolicy(release: RunningRelease(date: release)), maintained) == .passed)
    }

    @Test func revocationAndClockAreSkippedWithNothingToCompare() throws {
        #expect(try outcome(of: RevocationPolicy()) == .skipped(en: "no --revocations given", de: "kein --revocations angegeben"))
        #expect(try outcome(of: ClockPolicy(), fromClock: false)
            == .skipped(en: "--at given: the clock is not read", de: "--at angegeben: die Uhr wird nicht gelesen"))
        #expect(try outcome(of: ClockPolicy()) == .passed)
    }

    @Test func theVerificationReportsSkippedWithItsReason() throws {
        let result = try fixture.verify(try fixture.license().text, at: now)
        let product = try #require(result.policies.first { $0.name == "product" })
        #expect(product.verdict == .skipped)
        #expect(product.skipReason?.en == "no --product given")
        #expect(result.status == .valid)  // nothing to check is no reason to refuse
        let json = String(decoding: CanonicalJSON.compact(product), as: UTF8.self)
        #expect(json == #"{"findings":[],"name":"product","skipReason":{"de":"kein --product angegeben","en":"no --product given"},"verdict":"skipped"}"#)
    }
}
