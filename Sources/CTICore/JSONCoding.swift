/// JSON of `Encodable` values with sorted member names, for every file and output ctictl
/// writes: through `JSONValueEncoder` and the one `JSONWriter` (the same bytes Foundation's
/// JSONEncoder writes with `.sortedKeys` and `.withoutEscapingSlashes`, tested).
public enum CanonicalJSON {
    public static func pretty<T: Encodable>(_ value: T) -> [UInt8] {
        // Our own model types encode without throwing; an empty document would surface in tests.
        JSONWriter.pretty((try? JSONValueEncoder.encode(value)) ?? .object([:]))
    }

    public static func compact<T: Encodable>(_ value: T) -> [UInt8] {
        JSONWriter.compact((try? JSONValueEncoder.encode(value)) ?? .object([:]))
    }
}

/// One-line descriptions of JSON decoding errors (never the multi-line debug dump).
public enum JSONErrorText {
    public static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.dataCorrupted(context):
            return path(context.codingPath) + context.debugDescription
        case let DecodingError.keyNotFound(key, context):
            return path(context.codingPath + [key]) + "is missing"
        case let DecodingError.typeMismatch(type, context):
            return path(context.codingPath) + "expected \(type)"
        case let DecodingError.valueNotFound(type, context):
            return path(context.codingPath) + "expected \(type), found null"
        default:
            return String(describing: error)
        }
    }

    private static func path(_ codingPath: [CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "" }
        let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return "at \(text.hasPrefix(".") ? String(text.dropFirst()) : text): "
    }
}

/// JSON output: every document carries a `schema` name and version first.
public struct JSONDocument<Body: Encodable>: Encodable {
    public let schema: String
    public let body: Body

    public init(schema: String, body: Body) {
        self.schema = schema
        self.body = body
    }

    enum CodingKeys: String, CodingKey { case schema }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try body.encode(to: encoder)
    }
}
