import CTICore

/// The outcome of validating one instance: every error, and the annotations of every schema
/// that applied successfully (the config manager reads `default`, `deprecated`, `x-*`).
public struct ValidationResult: Sendable {
    public let errors: [ValidationError]
    public let annotations: [Annotation]
    /// False when validation was abandoned (`schema.too-complex`: too many subschemas, or a
    /// pattern that ran out of its steps): the value is then neither valid nor invalid, and
    /// `errors` holds only the reason.
    public let isDecided: Bool

    public init(errors: [ValidationError], annotations: [Annotation], isDecided: Bool = true) {
        self.errors = errors
        self.annotations = annotations
        self.isDecided = isDecided
    }

    public var isValid: Bool { errors.isEmpty }

    /// The annotations at one instance location (`/UseTapiLine`), in schema order.
    public func annotations(at instanceLocation: String) -> [Annotation] {
        annotations.filter { $0.instanceLocation == instanceLocation }
    }

    /// The first value of one annotation keyword at one instance location.
    public func annotation(_ keyword: String, at instanceLocation: String) -> JSONValue? {
        annotations.first { $0.instanceLocation == instanceLocation && $0.keyword == keyword }?.value
    }
}

/// One failed keyword. Locations are JSON pointers: `instanceLocation` into the validated
/// value (`""` is the whole value), `keywordLocation` into the schema document where the
/// keyword is written (after `$ref`s: the keyword's own place, e.g. `/$defs/port/maximum`).
public struct ValidationError: Sendable, Equatable, CustomStringConvertible {
    public let instanceLocation: String
    public let keywordLocation: String
    public let message: String

    /// `/port: 70000 is greater than the maximum 65535 (schema /properties/port/maximum)`.
    public var description: String {
        "\(instanceLocation.isEmpty ? "(root)" : instanceLocation): \(message) (schema \(keywordLocation.isEmpty ? "#" : keywordLocation))"
    }
}

/// An annotation keyword of a schema that applied successfully at an instance location.
public struct Annotation: Sendable, Equatable {
    public let instanceLocation: String
    public let keywordLocation: String
    public let keyword: String
    public let value: JSONValue
}
