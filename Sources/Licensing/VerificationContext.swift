import CTICore

/// Where and when a license is checked: the facts of this installation, handed in by the
/// caller so verification does no I/O of its own and can be tested at any instant.
/// `StandardPolicies.policies(for:)` hands each policy the facts it needs; a policy never
/// sees the others'.
public struct VerificationContext: Sendable {
    /// Now, in seconds since 1970 (UTC), from the caller's clock.
    public var now: Int64
    /// The product the caller is (nil: any product).
    public var product: String?
    /// The PBX's identity factors observed on this installation.
    public var pbxFactors: [PBXFactor]
    /// Accept licenses signed by development keys (never in production).
    public var allowDevelopmentKeys: Bool
    /// Users with the right to use the product (STARFACE users with "UCI"), if known.
    public var activeUsers: Int?
    /// Publication date of the release being run, for the maintenance policy.
    public var releaseDate: CivilDate?
    /// The version of the release being run, when known (named in the maintenance finding).
    public var releaseVersion: String?
    /// The product's published releases (from its release catalog), so that a license whose
    /// maintenance ended can name the newest release it still covers.
    public var publishedReleases: [PublishedRelease]
    /// A verified revocation list, if the caller has one.
    public var revocations: VerifiedRevocationList?
    /// What this installation remembers (latest time seen, highest revocation sequence).
    public var state: VerifierState?
    /// How far the clock may go back behind the latest time seen before it counts as set back.
    public var clockTolerance: Int64
    /// How far a license's issue time may lie ahead of the clock.
    public var allowedSkew: Int64
    /// Whether `now` was read from the system clock. An instant chosen by the caller (a
    /// "what if" check with `--at`) says nothing about the clock, so the clock policy skips.
    public var nowIsFromClock: Bool

    public static let defaultClockTolerance: Int64 = 24 * 3600
    public static let defaultAllowedSkew: Int64 = 3600

    public init(
        now: Int64, product: String? = nil, pbxFactors: [PBXFactor] = [], allowDevelopmentKeys: Bool = false, activeUsers: Int? = nil,
        releaseDate: CivilDate? = nil, releaseVersion: String? = nil, publishedReleases: [PublishedRelease] = [],
        revocations: VerifiedRevocationList? = nil, state: VerifierState? = nil,
        clockTolerance: Int64 = VerificationContext.defaultClockTolerance, allowedSkew: Int64 = VerificationContext.defaultAllowedSkew,
        nowIsFromClock: Bool = true
    ) {
        self.nowIsFromClock = nowIsFromClock
        self.now = now
        self.product = product
        self.pbxFactors = pbxFactors
        self.allowDevelopmentKeys = allowDevelopmentKeys
        self.activeUsers = activeUsers
        self.releaseDate = releaseDate
        self.releaseVersion = releaseVersion
        self.publishedReleases = publishedReleases
        self.revocations = revocations
        self.state = state
        self.clockTolerance = clockTolerance
        self.allowedSkew = allowedSkew
    }
}

extension VerificationContext {
    /// When: the one input every policy may use.
    public var time: VerificationTime { VerificationTime(now: now, isFromClock: nowIsFromClock) }

    /// The release being run, when its date is known.
    public var runningRelease: RunningRelease? {
        releaseDate.map { RunningRelease(date: $0, version: releaseVersion, published: publishedReleases) }
    }
}

/// The release being run: its publication date, its version when known, and the product's
/// published releases (so a refusal can name the newest release a license still covers).
public struct RunningRelease: Sendable, Equatable {
    public let date: CivilDate
    public let version: String?
    public let published: [PublishedRelease]

    public init(date: CivilDate, version: String? = nil, published: [PublishedRelease] = []) {
        self.date = date
        self.version = version
        self.published = published
    }
}

/// A release of the product and the day it was published.
public struct PublishedRelease: Sendable, Equatable {
    public let version: String
    public let date: CivilDate

    public init(version: String, date: CivilDate) {
        self.version = version
        self.date = date
    }
}
