import CTICore

/// One line of progress for a terminal, for long runs such as a batch of thousands of orders:
///
///     issued [==============>               ]  4500/10000  45%  9800/s  1s left
///
/// Pure (no terminal access), so it is tested as text; the caller decides where it goes and
/// rewrites it in place.
struct ProgressBar: Sendable {
    public let label: String
    public let total: Int
    /// The line never exceeds this many columns (80 fits every terminal).
    public let width: Int

    public init(label: String, total: Int, width: Int = 80) {
        // The label may name an input (a file): it must not move the cursor on its own.
        self.label = TerminalText.line(label)
        self.total = max(total, 0)
        self.width = width
    }

    /// The line after `done` of `total` items in `elapsed` seconds.
    public func line(done: Int, elapsed: Double) -> String {
        let done = min(max(done, 0), total)
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        var tail = "  \(done)/\(total)  \(Int(fraction * 100))%"
        if done > 0, elapsed > 0 {
            let rate = Double(done) / elapsed
            tail += "  \(Int(rate.rounded()))/s"
            if done < total { tail += "  \(Self.duration(Double(total - done) / rate)) left" }
        }
        let barWidth = max(10, min(40, width - label.count - tail.count - 3))
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        let bar: String
        if filled >= barWidth {
            bar = String(repeating: "=", count: barWidth)
        } else {
            bar = String(repeating: "=", count: filled) + ">" + String(repeating: " ", count: barWidth - filled - 1)
        }
        return "\(label) [\(bar)]\(tail)"
    }

    /// "42s", "3m05s", "1h02m".
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" + pad(total % 60) + "s" }
        return "\(total / 3600)h" + pad(total % 3600 / 60) + "m"
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
