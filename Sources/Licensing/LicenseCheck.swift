import CTICore
import ReleaseCatalog
import Signing

/// The whole license procedure a verifying installation runs, as one call without I/O: the
/// keyring extended by endorsements, the revocation list checked against the state, the
/// running release's facts from the signed catalog, the license verified with all of it, and
/// the state to remember afterwards. `ctictl license verify`, `ctictl check` and the client
/// library all run this; they only read the files and show the result.
public struct LicenseCheck: Sendable {
    public var license: InputDocument
    public var keyring: Keyring
    /// Key endorsements (`cti-key-endorsement+jwt`) that extend the keyring.
    public var endorsements: [InputDocument]
    /// A signed revocation list; it must not be older than the one the state has seen.
    public var revocations: InputDocument?
    /// The product's signed release catalog: with `release`, the running release's date for
    /// the maintenance policy (an editable catalog would let anyone backdate a release).
    public var catalog: InputDocument?
    public var release: Version?
    /// Now, the product, the PBX, the users and the state (`context.state`).
    public var context: VerificationContext

    public init(
        license: InputDocument, keyring: Keyring, endorsements: [InputDocument] = [], revocations: InputDocument? = nil,
        catalog: InputDocument? = nil, release: Version? = nil, context: VerificationContext
    ) {
        self.license = license
        self.keyring = keyring
        self.endorsements = endorsements
        self.revocations = revocations
        self.catalog = catalog
        self.release = release
        self.context = context
    }

    public struct Result: Sendable {
        public let verification: LicenseVerification
        /// What to remember (nil when there was no state, when `now` was not the clock's, when
        /// the clock was found set back — the mark never moves back — or when it would say
        /// nothing new: `VerifierState.isWorthSaving`).
        public let nextState: VerifierState?
    }

    /// `keyring` with the keys the endorsements vouch for.
    public static func extend(_ keyring: Keyring, with endorsements: [InputDocument]) throws -> Keyring {
        guard !endorsements.isEmpty else { return keyring }
        return try KeyEndorsementVerifier(keyring: keyring).extend(with: endorsements.map { ($0.name, $0.bytes) })
    }

    /// Throws for input that cannot be read or trusted before the license is looked at (an
    /// endorsement, revocation list or catalog that fails), naming the document; a readable
    /// license that fails a policy comes back as an invalid verification.
    public func run() throws -> Result {
        let ring = try Self.extend(keyring, with: endorsements)
        var context = self.context
        if let revocations {
            do {
                context.revocations = try RevocationListVerifier(keyring: ring).verify(
                    revocations.bytes, state: context.state, allowDevelopmentKeys: context.allowDevelopmentKeys)
            } catch let error as CTIFailure {
                throw error.naming(revocations.name)
            }
        }
        var releases: ReleaseCatalog?
        if let catalog {
            releases = try SignedCatalog.verify(catalog.bytes, keyring: ring, source: catalog.name, allowDevelopmentKeys: context.allowDevelopmentKeys).catalog
        }
        if let release, let releases { try context.run(release: release, of: releases) }
        let verification: LicenseVerification
        do {
            verification = try LicenseVerifier(keyring: ring).verify(license.bytes, in: context)
        } catch let error as CTIFailure {
            throw error.naming(license.name)
        }
        // Written only when it says something new: every write's fsyncs and verified backup
        // cost more than the check itself (docs/performance.md).
        var next: VerifierState?
        if let state = context.state, context.nowIsFromClock, !verification.findings.contains(where: { $0.code == ClockPolicy.setBackCode }) {
            let advanced = state.advanced(to: context.now, revocations: context.revocations)
            if advanced.isWorthSaving(over: state) { next = advanced }
        }
        return Result(verification: verification, nextState: next)
    }
}
