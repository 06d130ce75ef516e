import Testing
import CTICore
@testable import ctictl

@Suite struct ProgressBarTests {
    let bar = ProgressBar(label: "issued", total: 10_000)

    @Test func showsCountPercentRateAndTimeLeft() {
        // 80 columns: the bar takes what the label and the figures leave (37 here).
        #expect(bar.line(done: 4_500, elapsed: 0.5) == "issued [================>                    ]  4500/10000  45%  9000/s  1s left")
        #expect(bar.line(done: 0, elapsed: 0) == "issued [>                                       ]  0/10000  0%")
        #expect(bar.line(done: 10_000, elapsed: 2) == "issued [========================================]  10000/10000  100%  5000/s")
    }

    @Test(arguments: [0, 1, 499, 5_000, 9_999, 10_000, 12_000])
    func neverWiderThanTheTerminalAndFilledInProportion(done: Int) {
        let line = bar.line(done: done, elapsed: 3)
        #expect(line.count <= 80)
        let inside = line.split(separator: "[")[1].split(separator: "]")[0]
        let filled = inside.filter { $0 == "=" }.count
        #expect(filled == min(done, 10_000) * inside.count / 10_000)
    }

    @Test func anEmptyBatchIsComplete() {
        #expect(ProgressBar(label: "issued", total: 0).line(done: 0, elapsed: 0).contains("0/0  100%"))
    }

    @Test(arguments: [(0.2, "1s"), (42, "42s"), (185, "3m05s"), (3_725, "1h02m")])
    func timeLeftIsShort(seconds: Double, text: String) {
        #expect(ProgressBar.duration(seconds) == text)
    }
}

extension ProgressBarTests {
    @Test func progressBarLabelCannotMoveTheCursor() {
        let line = ProgressBar(label: "orders\r\u{1B}[2K.csv", total: 10).line(done: 5, elapsed: 1)
        #expect(line.hasPrefix("orders\\u{D}\\u{1B}[2K.csv ["))
        #expect(!line.unicodeScalars.contains(where: TerminalText.isControl))
    }
}
