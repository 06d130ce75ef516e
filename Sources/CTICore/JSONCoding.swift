import Foundation

/// JSON encoding with stable key order, used for every file and output ctictl writes.
public enum CanonicalJSON {
    public static func pretty<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding our own model types cannot fail; an empty document would surface in tests.
        return Array((try? encoder.encode(value)) ?? Data()) + [0x0A]
    }

    public static func compact<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(value)) ?? Data())
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
