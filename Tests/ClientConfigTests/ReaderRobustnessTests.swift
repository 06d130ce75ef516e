import CTICore
import ClientConfig
import Testing

/// No input crashes the reader or the editor: thousands of deterministic mutations of the
/// fixtures are either read (and then survive an edit round trip) or refused with a one-line
/// error that names the file, a line and a column. `scripts/fuzz.sh` can do the same unbounded.
@Suite struct ReaderRobustnessTests {
    /// Pieces that tend to break XML readers.
    static let pieces: [[UInt8]] = [
        Array("<".utf8), Array(">".utf8), Array("&".utf8), Array("\"".utf8), Array("'".utf8), Array("/".utf8), Array("]]>".utf8),
        Array("<!--".utf8), Array("-->".utf8), Array("<![CDATA[".utf8), Array("&#x0;".utf8), Array("&#1114112;".utf8), Array("&lt".utf8),
        Array("<!DOCTYPE x>".utf8), Array("<?xml?>".utf8), Array("</value>".utf8), Array("<value>".utf8), Array("<setting>".utf8),
        [0xFF], [0xC3], [0xE2, 0x82], [0xEF, 0xBB, 0xBF], [0x0D], [0x00], Array("\u{FFFE}".utf8),
    ]

    @Test(arguments: [Fixture.crlfWithBOM, Fixture.handEdited])
    func mutatedFixturesNeverCrash(name: String) throws {
        let original = try Fixture.bytes(name)
        var random = SplitMix64(seed: 0x5EED_0000 + UInt64(name.utf8.count))
        var read = 0
        var refused = 0
        for _ in 0..<3_000 {
            let mutated = Self.mutate(original, &random)
            do {
                let file = try SettingsFile(bytes: mutated, source: "fuzz.config")
                read += 1
                #expect(try file.applying([]).bytes == mutated)
                if let first = file.settings.first {
                    let edited = try file.applying([.set(section: first.section, name: first.name, value: "x & <y>")])
                    #expect(edited.setting(first.name, in: first.section)?.value == "x & <y>")
                }
            } catch {
                refused += 1
                #expect(error.message.hasPrefix("fuzz.config:"), "\(error.message)")
                #expect(!error.message.contains("\n"))
                #expect(error.kind == .malformedInput, "\(error.message)")
            }
        }
        // Both outcomes occur, so the mutations neither all break nor all miss the structure.
        #expect(read > 100)
        #expect(refused > 100)
    }

    static func mutate(_ bytes: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<(1 + Int(random.next() % 3)) {
            let at = Int(random.next() % UInt64(bytes.count + 1))
            switch random.next() % 6 {
            case 0 where at < bytes.count: bytes[at] = UInt8(truncatingIfNeeded: random.next())
            case 1: bytes.insert(contentsOf: pieces[Int(random.next() % UInt64(pieces.count))], at: at)
            case 2 where at < bytes.count: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 16)))
            case 3: bytes = Array(bytes.prefix(at))
            case 4 where at < bytes.count:
                let end = min(bytes.count, at + Int(random.next() % 64))
                bytes.insert(contentsOf: bytes[at..<end], at: Int(random.next() % UInt64(bytes.count + 1)))
            default: if at < bytes.count { bytes[at] ^= 1 << UInt8(random.next() % 8) }
            }
            if bytes.isEmpty { break }
        }
        return bytes
    }
}

/// A small deterministic generator (Steele, Lea, Flood: SplitMix64), so a failure repeats.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Inputs near the size limit in the shapes that make naive readers quadratic: they are read
/// in about linear time (a quadratic reader would not finish this test).
@Suite struct LargeInputTests {
    @Test func aTagWithAQuarterMillionAttributes() throws {
        var text = "<configuration"
        for index in 0..<250_000 { text += " a\(index)=''" }
        let file = try Self.read(text + "/>")
        #expect(file.sections.isEmpty)
    }

    @Test func fortyThousandSettingsReadAndEdit() throws {
        var text = "<configuration><userSettings><S>\n"
        for index in 0..<40_000 { text += "  <setting name=\"S\(index)\" serializeAs=\"String\"><value>\(index)</value></setting>\n" }
        let file = try Self.read(text + "</S></userSettings></configuration>\n")
        #expect(file.settings.count == 40_000)
        let edited = try file.applying([.set(section: "userSettings/S", name: "S39999", value: "x"), .remove(section: "userSettings/S", name: "S0")])
        #expect(edited.settings.count == 39_999)
        #expect(edited.settings.last?.value == "x")
    }

    static func read(_ text: String) throws -> SettingsFile {
        #expect(text.utf8.count > SettingsReader.sizeLimit / 2 && text.utf8.count < SettingsReader.sizeLimit)
        return try SettingsFile(bytes: Array(text.utf8), source: "t")
    }
}
