import Foundation
import CTICore
import ReleaseCatalog
import Testing
@testable import Licensing
@testable import Signing

@Suite struct MorePolicyTests {
    let fixture = LicenseFixture()

    @Test func seatsAtTheLimitPassOneMoreFails() throws {
        let text = try fixture.license { $0.seats = 10 }.text
        let now = day("2026-06-01")
        #expect(try fixture.verify(text, at: now).status == .valid)
        let atLimit = try LicenseVerifier(keyring: fixture.keyring).verify(Array(text.utf8), in: VerificationContext(now: now, activeUsers: 10))
        #expect(atLimit.status == .valid)
        let over = try LicenseVerifier(keyring: fixture.keyring).verify(Array(text.utf8), in: VerificationContext(now: now, activeUsers: 11))
        #expect(over.codes == ["license.seats-exceeded"])
        #expect(over.findings[0].fix?.en.contains("Buy 1 more seat") == true)
    }

    @Test func maintenanceCoversReleasesUpToItsDate() throws {
        let text = try fixture.license { $0.maintenanceUntil = CivilDate("2019-09-13") }.text
        func check(_ release: String) throws -> LicenseVerification {
            try LicenseVerifier(keyring: fixture.keyring).verify(
                Array(text.utf8), in: VerificationContext(now: day("2026-06-01"), releaseDate: CivilDate(release)))
        }
        #expect(try check("2019-09-11").status == .valid)  // 2.4.4.1
        #expect(try check("2019-09-13").status == .valid)  // 2.6, published on the last covered day
        let newer = try check("2020-04-03")  // 2.6.1
        #expect(newer.codes == ["license.maintenance-expired"])
        #expect(newer.findings[0].message.en.contains("covers releases published up to 2019-09-13"))
    }

    /// With the product's releases known (its catalog), the refusal names the newest release
    /// the license still covers, in both languages.
    @Test func anExpiredMaintenanceNamesTheNewestCoveredRelease() throws {
        let text = try fixture.license { $0.maintenanceUntil = CivilDate("2019-09-13") }.text
        let releases = [("2.4.4.1", "2019-09-11"), ("2.6", "2019-09-13"), ("2.6.1", "2020-04-03")].map {
            PublishedRelease(version: $0.0, date: CivilDate($0.1)!)
        }
        func check(_ version: String, _ date: String, releases: [PublishedRelease]) throws -> Finding? {
            let context = VerificationContext(
                now: day("2026-06-01"), releaseDate: CivilDate(date), releaseVersion: version, publishedReleases: releases)
            return try LicenseVerifier(keyring: fixture.keyring).verify(Array(text.utf8), in: context).findings.first
        }
        let named = try #require(try check("2.6.1", "2020-04-03", releases: releases))
        #expect(named.message.en == "Release 2.6.1 was published 2020-04-03; the license covers releases published up to 2019-09-13; the newest of them is 2.6, published 2019-09-13.")
        #expect(named.message.de == "Version 2.6.1 erschien am 2020-04-03; die Lizenz deckt Versionen bis zum 2019-09-13 ab; die neueste davon ist 2.6 vom 2019-09-13.")
        #expect(named.fix?.en == "Install 2.6 or an earlier release, or renew the maintenance.")
        // Two releases the same day: the one listed last (the catalog's version order).
        let sameDay = releases + [PublishedRelease(version: "2.6.0.1", date: CivilDate("2019-09-13")!)]
        #expect(try check("2.6.1", "2020-04-03", releases: sameDay)?.fix?.en == "Install 2.6.0.1 or an earlier release, or renew the maintenance.")
        // None published by then.
        let none = try #require(try check("2.6.1", "2020-04-03", releases: [releases[2]]))
        #expect(none.message.en.hasSuffix("none of the product's releases was published by then."))
        #expect(none.fix?.en == "Install a release published on or before 2019-09-13, or renew the maintenance.")
        #expect(try check("2.6", "2019-09-13", releases: releases) == nil)
    }

    /// The release facts come from a catalog: its product, the release's date, all releases.
    @Test func aCatalogReleaseSetsProductDateAndTheProductsReleases() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let catalog = try ReleaseCatalog.load(product: "datev-connector", from: root.appendingPathComponent("config-schemas").path)
        var context = VerificationContext(now: day("2026-06-01"))
        try context.run(release: try Version("2.6.1"), of: catalog)
        #expect(context.product == "datev-connector")
        #expect(context.releaseDate == CivilDate("2020-04-03"))
        #expect(context.releaseVersion == "2.6.1")
        #expect(context.publishedReleases.map(\.version).suffix(2) == ["2.6", "2.6.1"])
        var other = VerificationContext(now: day("2026-06-01"), product: "crm-groupware")
        #expect { try other.run(release: try Version("2.6.1"), of: catalog) } throws: { ($0 as? CTIFailure)?.code == "usage.conflict" }
        #expect { try context.run(release: try Version("9.9"), of: catalog) } throws: { ($0 as? CTIFailure)?.code == "compat.unknown-release" }
    }

    func revocationList(seq: Int64, revoked: [String], key: PrivateSigningKey? = nil, kid: String? = nil) throws -> [UInt8] {
        let claims = RevocationListClaims(iss: "ctictl", iat: day("2026-05-01"), seq: seq, revoked: revoked.map { RevocationEntry(jti: $0, revokedAt: day("2026-05-01"), reason: "test") })
        return Array(try RevocationListFormat.sign(claims, key: key ?? fixture.key, kid: kid ?? fixture.kid).utf8)
    }

    @Test func aRevokedSerialFails() throws {
        let text = try fixture.license().text
        let list = try RevocationListVerifier(keyring: fixture.keyring).verify(try revocationList(seq: 3, revoked: ["CTI-00000042"]), state: nil)
        let result = try LicenseVerifier(keyring: fixture.keyring).verify(Array(text.utf8), in: VerificationContext(now: day("2026-06-01"), revocations: list))
        #expect(result.codes == ["license.revoked"])
        let other = try RevocationListVerifier(keyring: fixture.keyring).verify(try revocationList(seq: 4, revoked: ["CTI-00000043"]), state: nil)
        #expect(try LicenseVerifier(keyring: fixture.keyring).verify(Array(text.utf8), in: VerificationContext(now: day("2026-06-01"), revocations: other)).status == .valid)
    }

    @Test func anOlderRevocationListIsARollback() throws {
        let verifier = RevocationListVerifier(keyring: fixture.keyring)
        let state = VerifierState(revocationSequence: 5)
        #expect(throws: Never.self) { _ = try verifier.verify(try revocationList(seq: 5, revoked: []), state: state) }
        #expect(throws: Never.self) { _ = try verifier.verify(try revocationList(seq: 6, revoked: []), state: state) }
        #expect {
            _ = try verifier.verify(try revocationList(seq: 4, revoked: []), state: state)
        } throws: { ($0 as? CTIFailure)?.code == "revocations.rollback" }
    }

    @Test func revocationListsFromUntrustedKeysAreRefused() throws {
        let stranger = LicenseFixture(kid: "stranger")
        #expect {
            _ = try RevocationListVerifier(keyring: fixture.keyring).verify(try revocationList(seq: 1, revoked: [], key: stranger.key, kid: "test-key"), state: nil)
        } throws: { ($0 as? CTIFailure)?.code == "jws.signature-invalid" }
        var revoked = fixture
        revoked.jwk.status = .revoked
        #expect {
            _ = try RevocationListVerifier(keyring: revoked.keyring).verify(try revocationList(seq: 1, revoked: []), state: nil)
        } throws: { ($0 as? CTIFailure)?.code == "revocations.key-revoked" }
        // A license is not a revocation list, even though both are signed by the same key.
        #expect {
            _ = try RevocationListVerifier(keyring: fixture.keyring).verify(Array(try fixture.license().text.utf8), state: nil)
        } throws: { ($0 as? CTIFailure)?.code == "armor.wrong-label" || ($0 as? CTIFailure)?.code == "jws.wrong-type" }
    }

    @Test func aClockSetBackIsFound() throws {
        let text = try fixture.license().text
        let seen = day("2026-06-10")
        func check(at now: Int64) throws -> LicenseVerification {
            try LicenseVerifier(keyring: fixture.keyring).verify(Array(text.utf8), in: VerificationContext(now: now, state: VerifierState(highWaterMark: seen)))
        }
        #expect(try check(at: seen + 5).status == .valid)
        #expect(try check(at: seen - VerificationContext.defaultClockTolerance).status == .valid)  // within tolerance
        let setBack = try check(at: seen - VerificationContext.defaultClockTolerance - 1)
        #expect(setBack.codes == ["clock.set-back"])
    }

    @Test func aLicenseFromTheFutureMeansTheClockIsBehind() throws {
        let text = try fixture.license().text  // issued 2026-01-15
        let issued = LicenseFixture.issuedAt
        let before = try fixture.verify(text, at: issued - VerificationContext.defaultAllowedSkew - 1)
        #expect(before.codes.contains("clock.license-from-future"))
        #expect(!(try fixture.verify(text, at: issued - VerificationContext.defaultAllowedSkew).codes.contains("clock.license-from-future")))
        let whatIf = try LicenseVerifier(keyring: fixture.keyring).verify(
            Array(text.utf8), in: VerificationContext(now: issued - 86_400 * 30, state: VerifierState(highWaterMark: issued), nowIsFromClock: false))
        #expect(whatIf.codes == ["license.not-yet-valid"])  // an --at instant says nothing about the clock
    }

    @Test func stateAdvancesButNeverGoesBack() {
        let state = VerifierState(highWaterMark: 1000, revocationSequence: 3)
        #expect(state.advanced(to: 2000, revocations: nil).highWaterMark == 2000)
        #expect(state.advanced(to: 500, revocations: nil).highWaterMark == 1000)
        #expect(VerifierState().advanced(to: 7, revocations: nil) == VerifierState(highWaterMark: 7, revocationSequence: nil))
    }

    /// Two verifications at once: the one that saves last read the state before the other
    /// saved a later time. Its save keeps what both learned; a save with nothing new writes
    /// nothing; a damaged file is replaced, its backup kept.
    @Test func aSaveNeverMovesAnotherSavesMarkBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/verifier-state.json"
        try VerifierState(highWaterMark: 5000, revocationSequence: 2).save(path)
        try VerifierState(highWaterMark: 1000, revocationSequence: 3).save(path)
        #expect(try VerifierState.load(path) == VerifierState(highWaterMark: 5000, revocationSequence: 3))
        let before = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        try VerifierState(highWaterMark: 4000, revocationSequence: 1).save(path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int == before)
        try Data("not json".utf8).write(to: URL(fileURLWithPath: path))
        try VerifierState(highWaterMark: 10).save(path)
        #expect(try VerifierState.load(path) == VerifierState(highWaterMark: 10))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path + ".bak")) == Data("not json".utf8))
    }
}
