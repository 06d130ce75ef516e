/// The known name a mistyped one was most likely meant to be, for "did you mean ...?".
public enum NearestName {
    /// The candidate with the fewest edits (insertions, deletions, substitutions; case is
    /// ignored) from `name`, if that is at most a third of its length (at least 2 edits).
    public static func find(_ name: String, among candidates: [String]) -> String? {
        let typed = Array(name.lowercased())
        let allowed = max(2, typed.count / 3)
        let scored = candidates.map { ($0, distance(typed, Array($0.lowercased()))) }.filter { $0.1 <= allowed }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance, one row at a time.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
