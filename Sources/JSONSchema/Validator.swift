import CTICore

/// One validation run: walks the instance and the node table together, appending every error
/// and annotation. A schema that fails drops the annotations it and its subschemas produced;
/// branches that do not decide the outcome (a failed `anyOf` branch beside a passing one, the
/// `if` condition, a `not` subschema) drop their errors.
struct Validator {
    /// Instances nested deeper than this are reported, not walked (parsed JSON stops at 64).
    static let maxInstanceDepth = 256
    /// Subschema evaluations one validation may take. The load-time check bounds the work per
    /// instance value; a schema that multiplies it at every level of the instance (a property
    /// whose schema refers back to many copies of its parent) is stopped here instead.
    static let maxSteps = 2_000_000

    let nodes: [SchemaNode]
    private(set) var errors: [ValidationError] = []
    private(set) var annotations: [Annotation] = []
    private var path: [String] = []
    private var steps = 0
    /// Set when the run is abandoned — `maxSteps` ran out, or a pattern's match ran out of its
    /// steps — and then the only error: the others are not the answer.
    private(set) var abandoned: ValidationError?

    init(nodes: [SchemaNode]) {
        self.nodes = nodes
    }

    /// Whether `instance` (at the current path) is valid against node `index`.
    mutating func evaluate(_ index: Int, _ instance: JSONValue) -> Bool {
        steps += 1
        if steps > Self.maxSteps, abandoned == nil {
            let message = "validation stopped after \(Self.maxSteps) steps: the schema applies too many subschemas to this value (\(ErrorCode.schemaTooComplex))"
            abandoned = ValidationError(instanceLocation: "", keywordLocation: "", message: message)
        }
        if abandoned != nil { return false }
        let node = nodes[index]
        if let boolean = node.boolean {
            if !boolean { fail(node.location, "no value is allowed here (the schema is false)") }
            return boolean
        }
        let errorMark = errors.count
        let annotationMark = annotations.count
        for check in node.checks {
            apply(check, to: instance)
        }
        guard errors.count == errorMark else {
            annotations.removeSubrange(annotationMark...)
            return false
        }
        if !node.annotations.isEmpty {
            let here = JSONPointer.string(path)
            for (keyword, value) in node.annotations {
                annotations.append(Annotation(instanceLocation: here, keywordLocation: node.location + "/" + JSONPointer.escape(keyword), keyword: keyword, value: value))
            }
        }
        return true
    }

    /// Whether `regex` matches `text`; a match that runs out of steps abandons the run (an
    /// unknown answer must not pass for a mismatch: under `not` that would accept the value).
    private mutating func matches(_ regex: ECMARegex, _ text: String, at keywordLocation: String) -> Bool {
        do {
            return try regex.matches(text)
        } catch {
            if abandoned == nil {
                let message = "validation stopped: the pattern \(JSONText.quoted(regex.source)) took more than \(RegexMatcher.extraSteps) steps beyond its text's length on this value (\(ErrorCode.schemaTooComplex))"
                abandoned = ValidationError(instanceLocation: JSONPointer.string(path), keywordLocation: keywordLocation, message: message)
            }
            return false
        }
    }

    private mutating func fail(_ keywordLocation: String, _ message: String) {
        errors.append(ValidationError(instanceLocation: JSONPointer.string(path), keywordLocation: keywordLocation, message: message))
    }

    /// Evaluates a subschema at a member or element of the instance.
    private mutating func descend(into token: String, _ index: Int, _ value: JSONValue, notAllowed: String? = nil) {
        path.append(token)
        defer { path.removeLast() }
        guard path.count <= Self.maxInstanceDepth else {
            fail(nodes[index].location, "the value is nested deeper than \(Self.maxInstanceDepth) levels")
            return
        }
        if let notAllowed, nodes[index].boolean == false {
            fail(nodes[index].location, notAllowed)
            return
        }
        _ = evaluate(index, value)
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func apply(_ check: KeywordCheck, to instance: JSONValue) {
        let at = check.location
        switch check.rule {
        case let .type(allowed):
            let actual = InstanceType.of(instance)
            if !actual.satisfies(allowed) {
                let names = InstanceType.allCases.filter(allowed.contains).map(\.rawValue)
                fail(at, "must be of type \(names.joined(separator: " or ")), is \(actual == .integer ? "number" : actual.rawValue)")
            }
        case let .enumeration(values):
            if !values.contains(where: { JSONEquality.equal($0, instance) }) {
                fail(at, "\(JSONText.render(instance)) is not one of \(JSONText.render(.array(values)))")
            }
        case let .constant(value):
            if !JSONEquality.equal(instance, value) { fail(at, "must be \(JSONText.render(value)), is \(JSONText.render(instance))") }
        case let .minimum(bound):
            if case let .number(value) = instance, value < bound { fail(at, "\(JSONText.render(instance)) is less than the minimum \(JSONText.render(.number(bound)))") }
        case let .maximum(bound):
            if case let .number(value) = instance, value > bound { fail(at, "\(JSONText.render(instance)) is greater than the maximum \(JSONText.render(.number(bound)))") }
        case let .exclusiveMinimum(bound):
            if case let .number(value) = instance, value <= bound { fail(at, "\(JSONText.render(instance)) must be greater than \(JSONText.render(.number(bound)))") }
        case let .exclusiveMaximum(bound):
            if case let .number(value) = instance, value >= bound { fail(at, "\(JSONText.render(instance)) must be less than \(JSONText.render(.number(bound)))") }
        case let .minLength(limit):
            if case let .string(text) = instance, text.unicodeScalars.count < limit {
                fail(at, "must be at least \(limit) characters long, has \(text.unicodeScalars.count)")
            }
        case let .maxLength(limit):
            if case let .string(text) = instance, text.unicodeScalars.count > limit {
                fail(at, "must be at most \(limit) characters long, has \(text.unicodeScalars.count)")
            }
        case let .pattern(regex):
            if case let .string(text) = instance, !matches(regex, text, at: at) {
                fail(at, "\(JSONText.render(instance)) does not match the pattern \(JSONText.quoted(regex.source))")
            }
        case let .required(names):
            if case let .object(members) = instance {
                for name in names where members[name] == nil { fail(at, "the required property \(JSONText.quoted(name)) is missing") }
            }
        case let .dependentRequired(rules):
            if case let .object(members) = instance {
                for rule in rules where members[rule.name] != nil {
                    for name in rule.requires where members[name] == nil {
                        fail(at, "the property \(JSONText.quoted(name)) is required when \(JSONText.quoted(rule.name)) is present")
                    }
                }
            }
        case let .properties(declared):
            if case let .object(members) = instance {
                for property in declared {
                    if let value = members[property.name] {
                        descend(into: property.name, property.node, value, notAllowed: "the property \(JSONText.quoted(property.name)) is not allowed")
                    }
                }
            }
        case let .patternProperties(patterns):
            if case let .object(members) = instance {
                for name in members.keys.sorted() {
                    for pattern in patterns where matches(pattern.regex, name, at: at) {
                        descend(into: name, pattern.node, members[name] ?? .null, notAllowed: "the property \(JSONText.quoted(name)) is not allowed (pattern \(JSONText.quoted(pattern.regex.source)))")
                    }
                }
            }
        case let .additionalProperties(node, declared, patterns):
            if case let .object(members) = instance {
                for name in members.keys.sorted() where !declared.contains(name) {
                    var matched = false
                    for pattern in patterns where !matched { matched = matches(pattern, name, at: at) }
                    guard !matched else { continue }
                    descend(into: name, node, members[name] ?? .null, notAllowed: "the property \(JSONText.quoted(name)) is not allowed (unknown)")
                }
            }
        case let .ref(target):
            _ = evaluate(target, instance)
        case let .allOf(nodes):
            for node in nodes { _ = evaluate(node, instance) }
        case let .anyOf(nodes):
            let mark = errors.count
            var anyValid = false
            for node in nodes where evaluate(node, instance) { anyValid = true }
            if anyValid {
                errors.removeSubrange(mark...)
            } else {
                fail(at, "must match at least one of the \(nodes.count) schemas of anyOf")
            }
        case let .oneOf(nodes):
            let mark = errors.count
            var valid: [Int] = []
            for (position, node) in nodes.enumerated() where evaluate(node, instance) { valid.append(position) }
            if valid.isEmpty {
                fail(at, "must match exactly one of the \(nodes.count) schemas of oneOf, matches none")
            } else {
                errors.removeSubrange(mark...)
                if valid.count > 1 {
                    fail(at, "must match exactly one of the schemas of oneOf, matches \(valid.count) (\(valid.map(String.init).joined(separator: ", ")))")
                }
            }
        case let .not(node):
            let mark = errors.count
            let matched = evaluate(node, instance)
            errors.removeSubrange(mark...)
            if matched { fail(at, "must not match the schema of not") }
        case let .conditional(condition, then, otherwise):
            let mark = errors.count
            let holds = evaluate(condition, instance)
            errors.removeSubrange(mark...)
            if let branch = holds ? then : otherwise { _ = evaluate(branch, instance) }
        }
    }
}
