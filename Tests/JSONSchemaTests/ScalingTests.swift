import CTICore
@testable import JSONSchema
import Testing

/// Work grows linearly with the instance: ten times the members, about ten times the time
/// (a quadratic step would make it a hundred). Compared within one run, so a slow machine
/// slows both sides.
@Suite struct ScalingTests {
    static let schema = #"""
    {"type": "object", "properties": {"known": {"type": "string"}},
     "patternProperties": {"^p[0-9]+$": {"type": "integer", "minimum": 0}},
     "additionalProperties": {"enum": ["a", "b", "c"]}, "required": ["known"]}
    """#

    func seconds(members: Int, schema: JSONSchema) -> Double {
        var object: [String: JSONValue] = ["known": .string("x")]
        for index in 0..<members {
            object["p\(index)"] = .number(Double(index))
            object["q\(index)"] = .string("b")
        }
        let instance = JSONValue.object(object)
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<3 {
            let elapsed = clock.measure { #expect(schema.validate(instance).isValid) }
            best = min(best, Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
        }
        return best
    }

    @Test func validationIsLinearInTheInstance() throws {
        let schema = try JSONSchema(Array(Self.schema.utf8), source: "scaling.json")
        let small = seconds(members: 2_000, schema: schema)
        let large = seconds(members: 20_000, schema: schema)
        print("validating 4,000 members: \(small) s, 40,000 members: \(large) s")
        #expect(large < small * 40, "ten times the members took \(large / small) times as long")
    }
}
