import CTICore

/// Turns a schema document into the node table: every keyword checked against the supported
/// set and for the shape of its value, patterns compiled, `$ref`s resolved, and the result
/// proven to terminate (no `$ref` loop that never descends into the instance).
struct SchemaCompiler {
    /// JSON nesting of the schema (the parser stops at 64 too).
    static let maxDepth = 64
    /// Subschemas one instance value may be checked against (`$ref`/`allOf` fan-out).
    static let maxEvaluationsPerValue = 10_000
    /// `$ref`/applicator chain length at one instance value (bounds the validator's recursion).
    static let maxChainLength = 200

    let source: String
    private(set) var nodes: [SchemaNode] = []
    /// Every (sub)schema by its JSON pointer: `$ref` targets.
    private(set) var nodeByLocation: [String: Int] = [:]
    private var pendingRefs: [(node: Int, check: Int, reference: String)] = []
    private var rootID: String?

    init(source: String) {
        self.source = source
    }

    mutating func compileDocument(_ document: JSONValue) throws(CTIFailure) -> [SchemaNode] {
        if case let .object(members) = document, let id = members["$id"] {
            guard case let .string(text) = id else { throw refuse(.schemaKeywordInvalid, "/$id", "$id must be a string") }
            rootID = text.hasSuffix("#") ? String(text.dropLast()) : text
        }
        _ = try compile(document, at: [], isRoot: true)
        try resolveRefs()
        try SchemaGraphCheck(nodes: nodes, source: source).run()
        return nodes
    }

    func refuse(_ code: ErrorCode, _ location: String, _ message: String) -> CTIFailure {
        SchemaRefusal(source: source).failure(code, location, message)
    }

    private mutating func compile(_ value: JSONValue, at tokens: [String], isRoot: Bool = false) throws(CTIFailure) -> Int {
        let location = JSONPointer.string(tokens)
        guard tokens.count <= Self.maxDepth else {
            throw refuse(.schemaTooComplex, location, "schema nested deeper than \(Self.maxDepth) levels")
        }
        let members: [String: JSONValue]
        switch value {
        case let .bool(flag):
            return add(SchemaNode(location: location, boolean: flag))
        case let .object(object):
            members = object
        default:
            throw refuse(.schemaKeywordInvalid, location, "a schema must be an object or true/false")
        }
        let index = add(SchemaNode(location: location))
        var node = SchemaNode(location: location)
        for keyword in members.keys.sorted() {
            try checkKnown(keyword, at: tokens, isRoot: isRoot)
        }
        let reader = KeywordReader(refusal: SchemaRefusal(source: source), members: members, tokens: tokens, base: location)
        for keyword in members.keys.sorted() where Keyword.isAnnotation(keyword) {
            try reader.checkAnnotation(keyword)
            node.annotations.append((keyword, members[keyword] ?? .null))
        }
        if let comment = members["$comment"], comment.stringValue == nil {
            throw refuse(.schemaKeywordInvalid, reader.location("$comment"), "$comment must be a string")
        }
        if isRoot, let dialect = members["$schema"], dialect.stringValue != Keyword.dialect, dialect.stringValue != Keyword.dialect + "#" {
            throw refuse(.schemaDialectUnsupported, "/$schema", "$schema must be \"\(Keyword.dialect)\" (only JSON Schema 2020-12 is supported)")
        }
        if let definitions = members["$defs"] {
            guard case let .object(schemas) = definitions else { throw refuse(.schemaKeywordInvalid, reader.location("$defs"), "$defs must be an object of schemas") }
            for name in schemas.keys.sorted() {
                _ = try compile(schemas[name] ?? .null, at: tokens + ["$defs", name])
            }
        }
        node.checks = try compileChecks(members, at: tokens, reader: reader, node: index)
        nodes[index] = node
        return index
    }

    /// A node's index, registered under its location for `$ref`.
    private mutating func add(_ node: SchemaNode) -> Int {
        nodes.append(node)
        nodeByLocation[node.location] = nodes.count - 1
        return nodes.count - 1
    }

    private func checkKnown(_ keyword: String, at tokens: [String], isRoot: Bool) throws(CTIFailure) {
        // (The location is spelled out only for a refusal: a schema has thousands of keywords.)
        if Keyword.rootOnly.contains(keyword) {
            guard isRoot else {
                throw refuse(.schemaKeywordUnsupported, JSONPointer.string(tokens + [keyword]), "keyword \"\(keyword)\" is supported only in the root schema")
            }
            return
        }
        guard Keyword.assertions.contains(keyword) || Keyword.structural.contains(keyword) || Keyword.isAnnotation(keyword) else {
            let hint = NearestName.closest(to: keyword, among: Keyword.all).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw refuse(.schemaKeywordUnsupported, JSONPointer.string(tokens + [keyword]), "unsupported keyword \"\(keyword)\"\(hint)")
        }
    }

    /// The assertion and applicator keywords of one schema object, in a fixed order.
    private mutating func compileChecks(_ members: [String: JSONValue], at tokens: [String], reader: KeywordReader, node: Int) throws(CTIFailure) -> [KeywordCheck] {
        var checks: [KeywordCheck] = []
        func add(_ keyword: String, _ rule: KeywordCheck.Rule) {
            checks.append(KeywordCheck(location: reader.location(keyword), rule: rule))
        }
        if members["type"] != nil { add("type", .type(try reader.types("type"))) }
        if let values = members["enum"] {
            guard case let .array(elements) = values else { throw refuse(.schemaKeywordInvalid, reader.location("enum"), "enum must be an array") }
            add("enum", .enumeration(elements))
        }
        if let value = members["const"] { add("const", .constant(value)) }
        for keyword in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] where members[keyword] != nil {
            let bound = try reader.number(keyword)
            switch keyword {
            case "minimum": add(keyword, .minimum(bound))
            case "maximum": add(keyword, .maximum(bound))
            case "exclusiveMinimum": add(keyword, .exclusiveMinimum(bound))
            default: add(keyword, .exclusiveMaximum(bound))
            }
        }
        if members["minLength"] != nil { add("minLength", .minLength(try reader.count("minLength"))) }
        if members["maxLength"] != nil { add("maxLength", .maxLength(try reader.count("maxLength"))) }
        if members["pattern"] != nil {
            guard case let .string(text) = members["pattern"] else { throw refuse(.schemaKeywordInvalid, reader.location("pattern"), "pattern must be a string") }
            add("pattern", .pattern(try regex(text, at: reader.location("pattern"))))
        }
        if members["required"] != nil { add("required", .required(try reader.uniqueStrings("required"))) }
        if let value = members["dependentRequired"] {
            guard case let .object(dependencies) = value else { throw refuse(.schemaKeywordInvalid, reader.location("dependentRequired"), "dependentRequired must be an object of string arrays") }
            var rules: [(name: String, requires: [String])] = []
            for name in dependencies.keys.sorted() {
                rules.append((name, try reader.uniqueStrings(in: dependencies[name] ?? .null, at: tokens + ["dependentRequired", name])))
            }
            add("dependentRequired", .dependentRequired(rules))
        }
        var declared: [(name: String, node: Int)] = []
        if let value = members["properties"] {
            guard case let .object(schemas) = value else { throw refuse(.schemaKeywordInvalid, reader.location("properties"), "properties must be an object of schemas") }
            for name in schemas.keys.sorted() {
                declared.append((name, try compile(schemas[name] ?? .null, at: tokens + ["properties", name])))
            }
            add("properties", .properties(declared))
        }
        var patterns: [(regex: ECMARegex, node: Int)] = []
        if let value = members["patternProperties"] {
            guard case let .object(schemas) = value else { throw refuse(.schemaKeywordInvalid, reader.location("patternProperties"), "patternProperties must be an object of schemas") }
            for pattern in schemas.keys.sorted() {
                let location = tokens + ["patternProperties", pattern]
                patterns.append((try regex(pattern, at: JSONPointer.string(location)), try compile(schemas[pattern] ?? .null, at: location)))
            }
            add("patternProperties", .patternProperties(patterns))
        }
        if let value = members["additionalProperties"] {
            let child = try compile(value, at: tokens + ["additionalProperties"])
            add("additionalProperties", .additionalProperties(node: child, declared: Set(declared.map(\.name)), patterns: patterns.map(\.regex)))
        }
        if let value = members["$ref"] {
            guard case let .string(reference) = value else { throw refuse(.schemaKeywordInvalid, reader.location("$ref"), "$ref must be a string") }
            pendingRefs.append((node, checks.count, reference))
            add("$ref", .ref(target: -1))
        }
        for keyword in ["allOf", "anyOf", "oneOf"] where members[keyword] != nil {
            guard case let .array(schemas) = members[keyword], !schemas.isEmpty else {
                throw refuse(.schemaKeywordInvalid, reader.location(keyword), "\(keyword) must be a non-empty array of schemas")
            }
            var children: [Int] = []
            for (position, schema) in schemas.enumerated() {
                children.append(try compile(schema, at: tokens + [keyword, String(position)]))
            }
            add(keyword, keyword == "allOf" ? .allOf(children) : keyword == "anyOf" ? .anyOf(children) : .oneOf(children))
        }
        if let value = members["not"] { add("not", .not(try compile(value, at: tokens + ["not"]))) }
        // `then` and `else` without `if` do nothing, but are still schemas a `$ref` may name.
        let then = try members["then"].map { value throws(CTIFailure) in try compile(value, at: tokens + ["then"]) }
        let otherwise = try members["else"].map { value throws(CTIFailure) in try compile(value, at: tokens + ["else"]) }
        if let value = members["if"] {
            add("if", .conditional(if: try compile(value, at: tokens + ["if"]), then: then, else: otherwise))
        }
        return checks
    }

    private func regex(_ pattern: String, at location: String) throws(CTIFailure) -> ECMARegex {
        do {
            let regex = try ECMARegex(pattern)
            return regex
        } catch {
            throw refuse(.schemaPatternInvalid, location, "the regular expression \(JSONText.quoted(pattern)) is not a supported ECMA-262 pattern: \(error.reason)")
        }
    }

    /// `$ref`s name a schema of this document: `#`, `#/json/pointer`, or the root `$id` with
    /// one of those. Anything else (another document, an `$anchor`) is refused.
    private mutating func resolveRefs() throws(CTIFailure) {
        for pending in pendingRefs {
            let check = nodes[pending.node].checks[pending.check]
            var reference = Substring(pending.reference)
            if let rootID, reference.hasPrefix(rootID) {
                reference = reference.dropFirst(rootID.count)
                if reference.isEmpty { reference = "#" }
            }
            guard reference.first == "#" else {
                throw refuse(.schemaRefUnresolved, check.location, "$ref \(JSONText.quoted(pending.reference)) leaves the document (only references within the schema, such as \"#/$defs/name\", are supported)")
            }
            guard let tokens = JSONPointer.tokens(ofFragment: reference.dropFirst()) else {
                throw refuse(.schemaRefUnresolved, check.location, "$ref \(JSONText.quoted(pending.reference)) is not a JSON pointer (anchors are not supported)")
            }
            guard let target = nodeByLocation[JSONPointer.string(tokens)] else {
                throw refuse(.schemaRefUnresolved, check.location, "$ref \(JSONText.quoted(pending.reference)) points at no schema of this document")
            }
            nodes[pending.node].checks[pending.check].rule = .ref(target: target)
        }
    }
}

/// A schema refused at load: the message names the file, what is wrong, and where.
struct SchemaRefusal {
    let source: String

    func failure(_ code: ErrorCode, _ location: String, _ message: String) -> CTIFailure {
        // One line whatever the schema's names hold (a key may contain a line feed).
        CTIFailure(code, TerminalText.line("\(source): \(message) at \(location.isEmpty ? "the root" : location) (see docs/json-schema.md)"))
    }
}

/// Reads keyword values of one schema object, refusing values of the wrong shape.
private struct KeywordReader {
    let refusal: SchemaRefusal
    let members: [String: JSONValue]
    let tokens: [String]
    /// The schema object's own pointer (spelled out once, not per keyword).
    let base: String

    init(refusal: SchemaRefusal, members: [String: JSONValue], tokens: [String], base: String) {
        self.refusal = refusal
        self.members = members
        self.tokens = tokens
        self.base = base
    }

    func location(_ keyword: String) -> String { base + "/" + JSONPointer.escape(keyword) }

    private func refuse(_ keyword: String, _ message: String) -> CTIFailure {
        refusal.failure(.schemaKeywordInvalid, location(keyword), message)
    }

    func number(_ keyword: String) throws(CTIFailure) -> Double {
        guard case let .number(value) = members[keyword] else { throw refuse(keyword, "\(keyword) must be a number") }
        return value
    }

    /// A non-negative integer; one beyond any string length counts as "no limit".
    func count(_ keyword: String) throws(CTIFailure) -> Int {
        guard case let .number(value) = members[keyword], value >= 0, value.rounded() == value else {
            throw refuse(keyword, "\(keyword) must be a non-negative integer")
        }
        return value >= Double(Int32.max) ? Int(Int32.max) : Int(value)
    }

    func types(_ keyword: String) throws(CTIFailure) -> Set<InstanceType> {
        let names: [JSONValue]
        switch members[keyword] {
        case let .string(name)?: names = [.string(name)]
        case let .array(elements)?: names = elements
        default: throw refuse(keyword, "type must be a type name or an array of them")
        }
        var types: Set<InstanceType> = []
        for name in names {
            guard case let .string(text) = name, let type = InstanceType(rawValue: text), types.insert(type).inserted else {
                throw refuse(keyword, "type must name each of \(InstanceType.allCases.map(\.rawValue).joined(separator: ", ")) at most once")
            }
        }
        return types
    }

    func uniqueStrings(_ keyword: String) throws(CTIFailure) -> [String] {
        try uniqueStrings(in: members[keyword] ?? .null, at: tokens + [keyword])
    }

    func uniqueStrings(in value: JSONValue, at tokens: [String]) throws(CTIFailure) -> [String] {
        let failure = refusal.failure(.schemaKeywordInvalid, JSONPointer.string(tokens), "must be an array of distinct strings")
        guard case let .array(elements) = value else { throw failure }
        var seen: Set<String> = []
        var names: [String] = []
        for element in elements {
            guard case let .string(name) = element, seen.insert(name).inserted else { throw failure }
            names.append(name)
        }
        return names
    }

    /// The standard annotations have the meta-schema's shapes; `x-` ones may hold anything.
    func checkAnnotation(_ keyword: String) throws(CTIFailure) {
        let value = members[keyword] ?? .null
        switch keyword {
        case "title", "description":
            guard case .string = value else { throw refuse(keyword, "\(keyword) must be a string") }
        case "deprecated", "readOnly", "writeOnly":
            guard case .bool = value else { throw refuse(keyword, "\(keyword) must be true or false") }
        case "examples":
            guard case .array = value else { throw refuse(keyword, "examples must be an array") }
        default:
            break
        }
    }
}

/// Values in messages: JSON text, strings quoted, long values cut.
enum JSONText {
    static func quoted(_ text: String) -> String { render(.string(text)) }

    static func render(_ value: JSONValue, limit: Int = 60) -> String {
        let text = String(decoding: JSONWriter.compact(value), as: UTF8.self)
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }
}
