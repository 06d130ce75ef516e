import CTICore

/// One compiled (sub)schema: what to check, in which order, and what to annotate. Nodes refer
/// to each other by index into the schema's node table, so `$ref` is an index resolved once.
struct SchemaNode: Sendable {
    /// Where this schema is in the document (`/properties/host`), for messages.
    let location: String
    /// Non-nil for `true` / `false` schemas.
    let boolean: Bool?
    var checks: [KeywordCheck] = []
    var annotations: [(keyword: String, value: JSONValue)] = []

    init(location: String, boolean: Bool? = nil) {
        self.location = location
        self.boolean = boolean
    }
}

/// A keyword of a node and its compiled value, with the keyword's location in the document.
struct KeywordCheck: Sendable {
    let location: String
    var rule: Rule

    enum Rule: Sendable {
        case type(Set<InstanceType>)
        case enumeration([JSONValue])
        case constant(JSONValue)
        /// Sorted by name, for a stable order of errors.
        case properties([(name: String, node: Int)])
        case patternProperties([(regex: ECMARegex, node: Int)])
        case additionalProperties(node: Int, declared: Set<String>, patterns: [ECMARegex])
        case required([String])
        case dependentRequired([(name: String, requires: [String])])
        case minimum(Double)
        case maximum(Double)
        case exclusiveMinimum(Double)
        case exclusiveMaximum(Double)
        case minLength(Int)
        case maxLength(Int)
        case pattern(ECMARegex)
        /// The target node, resolved after the whole document is compiled.
        case ref(target: Int)
        case allOf([Int])
        case anyOf([Int])
        case oneOf([Int])
        case not(Int)
        case conditional(if: Int, then: Int?, else: Int?)

        /// Subschemas this keyword applies to the same instance value (no descent): the
        /// edges that could loop forever, and that multiply work per instance value.
        var sameLocationNodes: [Int] {
            switch self {
            case let .ref(target): return [target]
            case let .allOf(nodes), let .anyOf(nodes), let .oneOf(nodes): return nodes
            case let .not(node): return [node]
            case let .conditional(condition, then, otherwise): return [condition] + [then, otherwise].compactMap { $0 }
            default: return []
            }
        }
    }
}

/// JSON Schema's instance types (`integer` is a number with no fraction, `1.0` included).
enum InstanceType: String, Sendable, CaseIterable {
    case null, boolean, object, array, number, string, integer

    static func of(_ value: JSONValue) -> InstanceType {
        switch value {
        case .null: return .null
        case .bool: return .boolean
        case .object: return .object
        case .array: return .array
        case let .number(number): return number.rounded() == number ? .integer : .number
        case .string: return .string
        }
    }

    /// Whether a value of this kind satisfies `type: allowed` (an integer is also a number).
    func satisfies(_ allowed: Set<InstanceType>) -> Bool {
        allowed.contains(self) || (self == .integer && allowed.contains(.number))
    }
}
