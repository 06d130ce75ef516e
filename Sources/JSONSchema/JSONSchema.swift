import CTICore

/// A JSON Schema (draft 2020-12, the keyword set of docs/json-schema.md), compiled once at load:
/// a schema using anything else is refused with a `schema.*` error naming the keyword and its
/// place. Validation reports every error and collects annotations.
///
///     let schema = try JSONSchema(bytes, source: "2.6.schema.json")
///     let result = schema.validate(instance)
public struct JSONSchema: Sendable {
    public let source: String
    private let nodes: [SchemaNode]
    private let nodeByLocation: [String: Int]

    /// Parses and compiles a schema file. Never crashes on any input: bad JSON, unsupported
    /// keywords, invalid patterns, unresolvable or looping `$ref`s all throw a `CTIFailure`.
    /// Every pattern is compiled into the engine's program here, at load (a few microseconds
    /// each), so a pattern the engine cannot run is refused before any validation.
    public init(_ bytes: some Collection<UInt8>, source: String) throws(CTIFailure) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw CTIFailure(.schemaNotJSON, "\(source): the schema is not valid JSON (\(error))")
        }
        try self.init(document: document, source: source)
    }

    /// Compiles an already parsed schema document.
    public init(document: JSONValue, source: String) throws(CTIFailure) {
        var compiler = SchemaCompiler(source: source)
        self.nodes = try compiler.compileDocument(document)
        self.nodeByLocation = compiler.nodeByLocation
        self.source = source
    }


    public func validate(_ instance: JSONValue) -> ValidationResult {
        var validator = Validator(nodes: nodes)
        _ = validator.evaluate(0, instance)
        if let abandoned = validator.abandoned {
            return ValidationResult(errors: [abandoned], annotations: [], isDecided: false)
        }
        return ValidationResult(errors: validator.errors, annotations: validator.annotations)
    }

    /// The annotations written for the schema at `schemaLocation` (`/properties/XmppPort`) and
    /// the schemas it always applies too (`$ref`, `allOf`; not the conditional `anyOf`,
    /// `oneOf`, `if`), for values that are absent from an instance — validation annotates only
    /// what is there, but a migration needs the `default` of a missing setting. Instance
    /// locations are `""` (the value the schema is for). Nil when no schema is at that place.
    public func declaredAnnotations(at schemaLocation: String) -> [Annotation]? {
        guard let start = nodeByLocation[schemaLocation] else { return nil }
        var result: [Annotation] = []
        var pending = [start]
        var seen: Set<Int> = [start]
        while let index = pending.popLast() {
            let node = nodes[index]
            for (keyword, value) in node.annotations {
                result.append(Annotation(instanceLocation: "", keywordLocation: node.location + "/" + JSONPointer.escape(keyword), keyword: keyword, value: value))
            }
            for check in node.checks.reversed() {
                let applied: [Int]
                switch check.rule {
                case let .ref(target): applied = [target]
                case let .allOf(children): applied = children.reversed()
                default: applied = []
                }
                for child in applied where seen.insert(child).inserted { pending.append(child) }
            }
        }
        return result
    }
}
