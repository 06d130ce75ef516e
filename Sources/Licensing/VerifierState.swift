import CTICore

/// What a verifying installation remembers between runs: the latest time it has seen (to
/// notice a clock set back) and the highest revocation list sequence (to refuse an older
/// list). Kept in a small JSON file, rewritten atomically.
///
/// It detects: a clock set back more than the tolerance below a time this installation has
/// already seen; a clock behind a signed time (a license's issue time). It cannot detect a
/// clock that was wrong before the first run, one set back by less than the tolerance, or a
/// state file that was deleted or replaced by an older copy — offline, nothing can.
public struct VerifierState: Sendable, Equatable, Encodable {
    public var highWaterMark: Int64?
    public var revocationSequence: Int64?

    public init(highWaterMark: Int64? = nil, revocationSequence: Int64? = nil) {
        self.highWaterMark = highWaterMark
        self.revocationSequence = revocationSequence
    }

    static let schema = "ctictl.verifier-state/1"

    /// How far the latest time seen must move before the state is written again. Far below the
    /// clock tolerance (a day), so nothing the clock check could catch is lost by waiting.
    public static let saveGranularity: Int64 = 3600

    /// Whether this state, following `saved`, is worth writing: a newer revocation list was
    /// accepted, or the latest time seen moved on by the granularity.
    public func isWorthSaving(over saved: VerifierState) -> Bool {
        if revocationSequence != saved.revocationSequence { return true }
        guard let mark = highWaterMark else { return false }
        guard let savedMark = saved.highWaterMark else { return true }
        return mark - savedMark >= Self.saveGranularity
    }

    /// The state after a verification at `context.now` (with the list, if any, accepted).
    public func advanced(to now: Int64, revocations: VerifiedRevocationList?) -> VerifierState {
        var next = self
        next.highWaterMark = max(highWaterMark ?? now, now)
        if let list = revocations { next.revocationSequence = max(revocationSequence ?? list.claims.seq, list.claims.seq) }
        return next
    }

    public static func load(_ path: String) throws -> VerifierState {
        guard let bytes = try SafeFile.readIfPresent(path, limit: fileLimit) else { return VerifierState() }
        return try VerifierState(jsonBytes: bytes, source: path)
    }

    /// A state file is small; anything larger is not one.
    public static let fileLimit: Int64 = 64 * 1024

    /// Reads a state file's bytes (`source` names it in errors).
    public init(jsonBytes bytes: [UInt8], source: String) throws {
        guard bytes.count <= Int(Self.fileLimit) else {
            throw CTIFailure(.stateMalformed, "\(source): \(bytes.count) bytes is not a verifier state (at most \(Self.fileLimit)); restore it from \(source).bak")
        }
        do {
            self = try JSONRead.document(bytes) { root in
                VerifierState(highWaterMark: try root.optionalInteger("highWaterMark"), revocationSequence: try root.optionalInteger("revocationSequence"))
            }
        } catch let failure as JSONReadFailure {
            throw CTIFailure(.stateMalformed, "\(source): the verifier state \(failure); restore it from \(source).bak")
        }
    }

    /// The file's bytes, as `save` writes them.
    public var jsonBytes: [UInt8] {
        struct File: Encodable {
            let schema: String
            let highWaterMark: Int64?
            let revocationSequence: Int64?
        }
        return CanonicalJSON.pretty(File(schema: Self.schema, highWaterMark: highWaterMark, revocationSequence: revocationSequence))
    }

    /// What this state and `other` know together: the later of the latest times seen and the
    /// higher revocation sequence.
    public func merged(with other: VerifierState) -> VerifierState {
        func later(_ a: Int64?, _ b: Int64?) -> Int64? { [a, b].compactMap { $0 }.max() }
        return VerifierState(highWaterMark: later(highWaterMark, other.highWaterMark), revocationSequence: later(revocationSequence, other.revocationSequence))
    }

    /// Writes this state merged with what the file holds now: another verification (a second
    /// client starting at the same moment) may have saved a later time since this one read
    /// the state, and a save must never move that back. Nothing is written when the file
    /// already knows everything this state does; a damaged file is replaced (its `.bak` kept).
    public func save(_ path: String) throws {
        // Only a missing or damaged file is replaced unmerged; one that cannot be read (no
        // permission) is not overwritten blind: the save fails and says why.
        let current: VerifierState?
        do {
            current = try SafeFile.readIfPresent(path, limit: Self.fileLimit).map { try VerifierState(jsonBytes: $0, source: path) }
        } catch let failure as FileError where failure.reason != .permissionDenied {
            current = nil
        } catch let failure as CTIFailure where failure.errorCode == .stateMalformed {
            current = nil
        }
        let next = current.map(merged) ?? self
        if let current, current == next { return }
        let directory = SafeFile.parentDirectory(of: path)
        if !SafeFile.exists(directory) { try SafeFile.makeDirectory(directory) }
        try SafeFile.write(next.jsonBytes, to: path, mode: 0o644, backup: true)
    }
}
