/// Reads a JSON document into a model value. A syntax error and a member that is missing or
/// of the wrong kind both come back as one `JSONReadFailure`, worded here and nowhere else;
/// any other error `build` throws passes through unchanged.
public enum JSONRead {
    /// Only the syntax, for readers that look at the document's shape themselves.
    public static func value(_ bytes: [UInt8]) throws -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw JSONReadFailure(description: "is not valid JSON (\(error))", path: nil, reason: error.description)
        }
    }

    public static func document<T>(_ bytes: [UInt8], path: String = "", _ build: (JSONObjectReader) throws -> T) throws -> T {
        do {
            return try build(try JSONObjectReader(try JSONParser.parse(bytes), path: path))
        } catch let error as JSONParser.Failure {
            throw JSONReadFailure(description: "is not valid JSON (\(error))", path: nil, reason: error.description)
        } catch let error as JSONObjectReader.Failure {
            throw JSONReadFailure(description: "is not readable: \(error.description)", path: error.path, reason: error.reason)
        }
    }
}

/// Why a document did not read: "is not valid JSON (…)" or "is not readable: member …", to
/// follow the name of what was read ("the revocation list is not readable: …").
public struct JSONReadFailure: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// The member at fault (nil for a syntax error), and what is wrong with it.
    public let path: String?
    public let reason: String
}
