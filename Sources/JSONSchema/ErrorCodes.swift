import CTICore

/// The error codes this module throws (stable: scripts and support match on them;
/// docs/json-schema.md). Every one is a schema refused at load: malformed input (exit 65).
extension ErrorCode {
    /// The schema file is not JSON.
    public static let schemaNotJSON = ErrorCode("schema.not-json", .malformedInput)
    /// A keyword outside the supported set (or a root-only keyword below the root).
    public static let schemaKeywordUnsupported = ErrorCode("schema.keyword-unsupported", .malformedInput)
    /// A supported keyword with a value of the wrong shape (`"minLength": -1`).
    public static let schemaKeywordInvalid = ErrorCode("schema.keyword-invalid", .malformedInput)
    /// `$schema` names another dialect than 2020-12.
    public static let schemaDialectUnsupported = ErrorCode("schema.dialect-unsupported", .malformedInput)
    /// A `pattern` or `patternProperties` name that is not a supported ECMA-262 regex.
    public static let schemaPatternInvalid = ErrorCode("schema.pattern-invalid", .malformedInput)
    /// A `$ref` that leaves the document or points at nothing (or at no schema).
    public static let schemaRefUnresolved = ErrorCode("schema.ref-unresolved", .malformedInput)
    /// `$ref`s (or applicators) that lead back to themselves without descending into the instance.
    public static let schemaRefCycle = ErrorCode("schema.ref-cycle", .malformedInput)
    /// A schema nested deeper, or expanding to more work per instance value, than the limits.
    public static let schemaTooComplex = ErrorCode("schema.too-complex", .malformedInput)
}
