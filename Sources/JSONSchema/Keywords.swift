/// The supported keyword set, declared here and nowhere else: what the loader accepts, and
/// what each keyword is. Any other keyword is refused at load (docs/json-schema.md).
enum Keyword {
    /// Keywords that check the instance or apply subschemas to it.
    static let assertions: Set<String> = [
        "type", "enum", "const",
        "properties", "required", "additionalProperties", "patternProperties", "dependentRequired",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "maxLength", "pattern",
        "$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    ]

    /// Keywords whose values are collected as annotations where the schema applies.
    static let annotations: Set<String> = [
        "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
    ]

    /// Keywords that neither check nor annotate: `$defs` holds schemas for `$ref`,
    /// `$comment` is for schema authors.
    static let structural: Set<String> = ["$defs", "$comment"]

    /// Keywords allowed only in the root schema.
    static let rootOnly: Set<String> = ["$schema", "$id"]

    /// The prefix of the custom annotation vocabulary (`x-since`, `x-removed`, `x-label-de`).
    static let customAnnotationPrefix = "x-"

    /// The only dialect accepted in `$schema`.
    static let dialect = "https://json-schema.org/draft/2020-12/schema"

    static func isAnnotation(_ keyword: String) -> Bool {
        annotations.contains(keyword) || keyword.hasPrefix(customAnnotationPrefix)
    }

    /// Every keyword name the loader knows, for "did you mean …?".
    static var all: [String] {
        (assertions.union(annotations).union(structural).union(rootOnly)).sorted()
    }
}
