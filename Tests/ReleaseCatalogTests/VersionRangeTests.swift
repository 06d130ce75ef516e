import PropertyBased
import Testing
@testable import ReleaseCatalog

func v(_ text: String) -> Version { try! Version(text) }
func r(_ text: String) -> VersionRange { try! VersionRange(text) }

@Suite struct VersionTests {
    @Test func orderIsPartByPartWithMissingPartsZero() {
        #expect(v("6.5") == v("6.5.0.0"))
        #expect(v("6.5").hashValue == v("6.5.0.0").hashValue)
        #expect(v("6.5.0.30") < v("6.5.1.9"))
        #expect(v("6.5.1.9") < v("6.5.1.10"))
        #expect(v("2.4.4.1") < v("2.6"))
        #expect(v("2.6") < v("2.6.1"))
        #expect(v("10.11") > v("9.26"))
        #expect(v("6.5.0").description == "6.5.0")
    }

    @Test(arguments: [
        ("", 0, "empty version"), ("6.5.x", 4, "unexpected 'x'"), ("6..5", 2, "empty part before '.'"), (".6", 0, "starts with a number"),
        ("6.5.", 4, "does not end with '.'"), ("-6.5", 0, "unexpected '-'"), ("6.1234567890", 11, "more than 9 digits"), ("v6.5", 0, "unexpected 'v'"),
    ])
    func malformedVersionsNameTheirPosition(text: String, position: Int, reason: String) {
        #expect {
            _ = try Version(text)
        } throws: { error in
            guard let error = error as? VersionError else { return false }
            return error.position == position && error.reason.contains(reason) && error.message.contains("\"\(text)\"")
        }
    }

    @Test func orderingLaws() async {
        // Few part values, so equal versions written differently (6.5 and 6.5.0) come up.
        let part = Gen.int(in: 0...2).map { UInt32($0) }
        let version = part.array(of: 1...4).map { Version(parts: $0) }
        /// The oracle: both padded with zeros to one length, compared part by part.
        func padded(_ a: Version, _ b: Version) -> ([UInt32], [UInt32]) {
            let count = max(a.parts.count, b.parts.count)
            return (a.parts + Array(repeating: 0, count: count - a.parts.count), b.parts + Array(repeating: 0, count: count - b.parts.count))
        }
        await propertyCheck(count: 500, input: version, version, version) { a, b, c in
            let (pa, pb) = padded(a, b)
            #expect((a < b) == pa.lexicographicallyPrecedes(pb), "\(a) < \(b)")
            #expect((a == b) == (pa == pb), "\(a) == \(b)")
            if a == b { #expect(a.hashValue == b.hashValue, "\(a) and \(b) are equal but hash differently") }
            if a < b && b < c { #expect(a < c) }  // transitivity
            let zeros = Version(parts: a.parts + [0, 0])
            #expect(zeros == a && zeros.hashValue == a.hashValue)  // trailing zeros
        }
    }
}

@Suite struct VersionRangeTests {
    @Test func seedRangesAtTheirEdges() {
        let r2371 = r("6.5.0.30 - 6.5.1.9")
        #expect(r2371.contains(v("6.5.0.30")))
        #expect(!r2371.contains(v("6.5.0.29")))
        #expect(r2371.contains(v("6.5.1.9")))
        #expect(!r2371.contains(v("6.5.1.10")))
        let r2373 = r("6.5.0.30 - 6.6.0.*")
        #expect(r2373.contains(v("6.6.0.999")))
        #expect(r2373.contains(v("6.6.0")))
        #expect(!r2373.contains(v("6.6.1")))
        #expect(!r2373.contains(v("6.6.1.0")))
        let r24 = r("6.7.0.*")
        #expect(r24.contains(v("6.7.0.0")) && r24.contains(v("6.7")))
        #expect(!r24.contains(v("6.7.1.0")))
        #expect(r("6.7.1.*").contains(v("6.7.1.0")))
    }

    @Test func everyNotation() {
        #expect(r("2.4.1").contains(v("2.4.1.0")) && !r("2.4.1").contains(v("2.4.1.1")))
        #expect(r(">=6.7").contains(v("6.7")) && !r(">6.7").contains(v("6.7")) && r(">6.7").contains(v("6.7.0.1")))
        #expect(r("<7").contains(v("6.99")) && !r("<7").contains(v("7")) && r("<=7").contains(v("7.0.0")))
        #expect(r(">=6.5 <7").contains(v("6.9")) && !r(">=6.5 <7").contains(v("7.0")))
        #expect(r("9.25, 9.26").contains(v("9.26")) && !r("9.25, 9.26").contains(v("9.255")))
        #expect(r("[6.5,6.7)").contains(v("6.5")) && !r("[6.5,6.7)").contains(v("6.7")))
        #expect(r("(6.5,6.7]").contains(v("6.7")) && !r("(6.5,6.7]").contains(v("6.5")))
        #expect(r("[6.5,)").contains(v("100")) && r("(,7)").contains(v("0.1")))
        #expect(r("*").contains(v("0")) && r("6.*").contains(v("6.99.1")) && !r("6.*").contains(v("7")))
        #expect(r("[6.5,6.7), 9.25").contains(v("9.25")))
    }

    @Test func equivalentFormsAreEqual() {
        #expect(r("6.6.0.*") == r("[6.6.0,6.6.1)"))
        #expect(r("6.6.0.*") == r(">=6.6.0 <6.6.1"))
        #expect(r("6.5.0.30 - 6.6.0.*") == r("[6.5.0.30,6.6.1)"))
        #expect(r("9.25, 9.26") == r("9.26, 9.25"))
        #expect(r("[6.5,6.6), [6.6,6.7)") == r("[6.5,6.7)"))
        #expect(r("6.5") == r("=6.5.0"))
        #expect(r("6.5") != r("6.5.*"))
    }

    @Test(arguments: [
        ("", 0), ("6.5 -", 5), ("[6.5,6.7", 8), ("6.5.x.*", 4), ("6.*.1", 3), ("6.7 - 6.5", 0), (">=", 2), ("9.25,", 5), ("[,7]", 0), ("6.5 ; 6.6", 4),
    ])
    func malformedRangesNameTheirPosition(text: String, position: Int) {
        #expect {
            _ = try VersionRange(text)
        } throws: { error in
            (error as? VersionError)?.position == position
        }
    }

    static let part = Gen.int(in: 0...6).map { UInt32($0) }
    static let prefix = part.array(of: 1...3)
    static let version = part.array(of: 1...4).map { Version(parts: $0) }

    @Test func wildcardIntervalAndComparatorsAgree() async {
        await propertyCheck(count: 300, input: Self.prefix, Self.version) { prefix, candidate in
            let text = prefix.map(String.init).joined(separator: ".")
            let next = Version.successor(ofPrefix: prefix).description
            let wildcard = r(text + ".*")
            let interval = r("[\(text),\(next))")
            let comparators = r(">=\(text) <\(next)")
            #expect(wildcard == interval && interval == comparators)
            #expect(wildcard.contains(candidate) == interval.contains(candidate))
            #expect(wildcard.contains(candidate) == comparators.contains(candidate))
            // The oracle: the candidate, padded with zeros, starts with the prefix.
            let padded = candidate.parts + Array(repeating: 0, count: max(0, prefix.count - candidate.parts.count))
            #expect(wildcard.contains(candidate) == Array(padded.prefix(prefix.count)).elementsEqual(prefix))
        }
    }

    @Test func hyphenAndIntervalAgree() async {
        await propertyCheck(count: 300, input: Self.version, Self.version, Self.version) { a, b, candidate in
            let (low, high) = a < b ? (a, b) : (b, a)
            let hyphen = r("\(low) - \(high)")
            let interval = r("[\(low),\(high)]")
            #expect(hyphen == interval)
            #expect(hyphen.contains(candidate) == (low <= candidate && candidate <= high))
        }
    }

    @Test func listIsTheUnion() async {
        await propertyCheck(count: 300, input: Self.version, Self.version, Self.version) { a, b, candidate in
            let list = r("\(a), \(b)")
            #expect(list.contains(candidate) == (candidate == a || candidate == b))
            #expect(list == r("\(b), \(a)"))
        }
    }
}
