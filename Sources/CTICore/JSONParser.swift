/// A strict JSON parser (RFC 8259) for signed payloads and keyrings, independent of
/// Foundation: fast (a license is read at every client start) and strict where JSON parsers
/// usually are lax — duplicate member names are an error (RFC 7515 §4 allows a JWS parser only
/// that or "last wins"), as are invalid UTF-8, lone surrogates and nesting deeper than 64.
public enum JSONParser {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let offset: Int
        public let reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    public static func parse<Bytes: Collection>(_ bytes: Bytes) throws(Failure) -> JSONValue where Bytes.Element == UInt8 {
        let array = Array(bytes)
        // Parsing over a buffer pointer spares a bounds check per byte (licenses are parsed at
        // every client start); every access below is guarded by an explicit index check.
        var failure: Failure?
        let value: JSONValue? = array.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            do throws(Failure) {
                reader.skipWhitespace()
                let value = try reader.value(depth: 0)
                reader.skipWhitespace()
                guard reader.index == buffer.count else { throw Failure(offset: reader.index, reason: "unexpected text after the JSON value") }
                return value
            } catch {
                failure = error
                return nil
            }
        }
        guard let value else { throw failure ?? Failure(offset: 0, reason: "unreadable") }
        return value
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        func fail(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard depth < 64 else { throw fail("nesting deeper than 64") }
            guard index < bytes.count else { throw fail("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("unexpected character '\(Unicode.Scalar(bytes[index]))'")
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw fail("unexpected end of input") }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
                throw fail("invalid literal")
            }
            index += count
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            index += 1
            var members = [String: JSONValue](minimumCapacity: 12)  // most objects here are small
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let nameOffset = index
                let name = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                index += 1
                skipWhitespace()
                let value = try value(depth: depth + 1)
                guard members.updateValue(value, forKey: name) == nil else {
                    throw Failure(offset: nameOffset, reason: "duplicate member \(JSONWriter.quoted(name))")
                }
                skipWhitespace()
                guard index < bytes.count else { throw fail("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                } else {
                    throw fail("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw fail("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                } else {
                    throw fail("expected ',' or ']'")
                }
            }
        }

        mutating func string() throws(Failure) -> String {
            index += 1
            let start = index
            // Fast path: no escapes, and (usually) plain ASCII, which needs no UTF-8 validation.
            var ascii = true
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
                ascii = ascii && bytes[index] < 0x80
                index += 1
            }
            guard index < bytes.count else { throw fail("unterminated string") }
            if bytes[index] == UInt8(ascii: "\"") {
                let text: String
                if ascii {
                    text = String(decoding: bytes[start..<index], as: UTF8.self)
                } else {
                    guard let valid = String(validating: bytes[start..<index], as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                    text = valid
                }
                index += 1
                return text
            }
            var utf8 = Array(bytes[start..<index])
            while true {
                guard index < bytes.count else { throw fail("unterminated string") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    guard let text = String(validating: utf8, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                    return text
                }
                if byte < 0x20 { throw fail("control character in string") }
                if byte != UInt8(ascii: "\\") {
                    utf8.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): utf8.append(0x22)
                case UInt8(ascii: "\\"): utf8.append(0x5C)
                case UInt8(ascii: "/"): utf8.append(0x2F)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("lone surrogate in string")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate in string") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw fail("lone surrogate in string")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                    utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw fail("invalid escape")
                }
            }
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw fail("invalid \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        mutating func number() throws(Failure) -> Double {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw fail("invalid number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() > 0 else { throw fail("invalid number") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw fail("invalid number") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw fail("invalid number") }
            }
            guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)), value.isFinite else {
                throw Failure(offset: start, reason: "number out of range")
            }
            return value
        }

        mutating func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
    }
}

/// Reads the members of a JSON object with errors that name the member's path
/// (`cti.pbx.factors[1].kind`): how signed payloads and keyrings are decoded.
public struct JSONObjectReader {
    public let members: [String: JSONValue]
    public let path: String

    public struct Failure: Error, Sendable {
        public let path: String
        public let reason: String
        public var description: String { "\(path) \(reason)" }

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    public init(_ value: JSONValue, path: String = "") throws(Failure) {
        guard case let .object(members) = value else { throw Failure(path: path.isEmpty ? "the document" : path, reason: "must be a JSON object") }
        self.members = members
        self.path = path
    }

    func name(_ member: String) -> String { path.isEmpty ? member : "\(path).\(member)" }

    public func contains(_ member: String) -> Bool { members[member] != nil && members[member] != .null }

    public func optionalString(_ member: String) throws(Failure) -> String? {
        guard let value = members[member], value != .null else { return nil }
        guard case let .string(text) = value else { throw Failure(path: name(member), reason: "must be a string") }
        return text
    }

    public func string(_ member: String) throws(Failure) -> String {
        guard let text = try optionalString(member) else { throw Failure(path: name(member), reason: "is missing") }
        return text
    }

    public func optionalInteger(_ member: String) throws(Failure) -> Int64? {
        guard let value = members[member], value != .null else { return nil }
        guard case let .number(number) = value, number.rounded() == number, abs(number) <= 9_007_199_254_740_991 else {
            throw Failure(path: name(member), reason: "must be an integer")
        }
        return Int64(number)
    }

    public func integer(_ member: String) throws(Failure) -> Int64 {
        guard let value = try optionalInteger(member) else { throw Failure(path: name(member), reason: "is missing") }
        return value
    }

    public func optionalStringArray(_ member: String) throws(Failure) -> [String]? {
        guard let value = members[member], value != .null else { return nil }
        guard case let .array(elements) = value else { throw Failure(path: name(member), reason: "must be an array of strings") }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            guard case let .string(text) = element else { throw Failure(path: "\(name(member))[\(index)]", reason: "must be a string") }
            result.append(text)
        }
        return result
    }

    public func optionalObject(_ member: String) throws(Failure) -> JSONObjectReader? {
        guard let value = members[member], value != .null else { return nil }
        return try JSONObjectReader(value, path: name(member))
    }

    public func object(_ member: String) throws(Failure) -> JSONObjectReader {
        guard let reader = try optionalObject(member) else { throw Failure(path: name(member), reason: "is missing") }
        return reader
    }

    public func objectArray(_ member: String) throws(Failure) -> [JSONObjectReader] {
        guard let value = members[member], value != .null else { throw Failure(path: name(member), reason: "is missing") }
        guard case let .array(elements) = value else { throw Failure(path: name(member), reason: "must be an array") }
        var result: [JSONObjectReader] = []
        for (index, element) in elements.enumerated() {
            result.append(try JSONObjectReader(element, path: "\(name(member))[\(index)]"))
        }
        return result
    }
}
