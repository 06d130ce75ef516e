/// Compact JSON with sorted member names — the same bytes Foundation's JSONEncoder writes with
/// `.sortedKeys` and `.withoutEscapingSlashes` (a test holds the two together), in a fraction
/// of the time: it writes every license a batch issues, twice.
public enum JSONWriter {
    public static func compact(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        write(value, into: &output)
        return output
    }

    /// Indented by two spaces, `"name" : value`, as Foundation's `.prettyPrinted` writes it
    /// (empty containers included), with a final line feed: what people and scripts read.
    public static func pretty(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        writePretty(value, indent: 0, into: &output)
        output.append(0x0A)
        return output
    }

    private static func writePretty(_ value: JSONValue, indent: Int, into output: inout [UInt8]) {
        func newline(_ level: Int) {
            output.append(0x0A)
            output += repeatElement(UInt8(ascii: " "), count: 2 * level)
        }
        switch value {
        case let .array(elements):
            output.append(UInt8(ascii: "["))
            if elements.isEmpty { output.append(0x0A) }
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writePretty(element, indent: indent + 1, into: &output)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case let .object(members):
            output.append(UInt8(ascii: "{"))
            if members.isEmpty { output.append(0x0A) }
            for (index, name) in members.keys.sorted().enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writeString(name, into: &output)
                output += Array(" : ".utf8)
                if let member = members[name] { writePretty(member, indent: indent + 1, into: &output) }
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        default:
            write(value, into: &output)
        }
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output += Array("null".utf8)
        case let .bool(flag): output += Array((flag ? "true" : "false").utf8)
        case let .number(number):
            if number == 0 && number.sign == .minus {
                output += Array("-0".utf8)
            } else if number.rounded() == number, abs(number) < 1e15 {
                output += Array(String(Int64(number)).utf8)
            } else {
                output += Array(String(number).utf8)
            }
        case let .string(text): writeString(text, into: &output)
        case let .array(elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case let .object(members):
            output.append(UInt8(ascii: "{"))
            for (index, name) in members.keys.sorted().enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(name, into: &output)
                output.append(UInt8(ascii: ":"))
                if let member = members[name] { write(member, into: &output) }
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A string as JSON writes it, quotes and escapes included: for naming a value from an
    /// input inside a one-line message.
    public static func quoted(_ text: String) -> String {
        var output: [UInt8] = []
        writeString(text, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [0x5C, 0x22]
            case UInt8(ascii: "\\"): output += [0x5C, 0x5C]
            case 0x08: output += [0x5C, UInt8(ascii: "b")]
            case 0x0C: output += [0x5C, UInt8(ascii: "f")]
            case 0x0A: output += [0x5C, UInt8(ascii: "n")]
            case 0x0D: output += [0x5C, UInt8(ascii: "r")]
            case 0x09: output += [0x5C, UInt8(ascii: "t")]
            case 0x00..<0x20:
                output += [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// One JSON object written member by member, the same bytes as `JSONWriter.compact` of the
/// equivalent `JSONValue`, without building dictionaries first: a batch writes two objects
/// per license, and hashing their member names cost more than writing them. Members must
/// be given in sorted order of their names (checked in debug builds); nil values are left
/// out, as `compact` leaves out absent members.
public struct JSONObjectWriter {
    private var output: [UInt8]
    private var count = 0
    private var lastName: String?

    /// The bytes of the object `body` writes.
    public static func write(_ body: (inout JSONObjectWriter) -> Void) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        writeObject(into: &output, body)
        return output
    }

    private static func writeObject(into output: inout [UInt8], _ body: (inout JSONObjectWriter) -> Void) {
        var writer = JSONObjectWriter(output: [])
        swap(&writer.output, &output)
        writer.output.append(UInt8(ascii: "{"))
        body(&writer)
        writer.output.append(UInt8(ascii: "}"))
        swap(&writer.output, &output)
    }

    private mutating func name(_ name: String) {
        assert(lastName.map { $0 < name } ?? true, "JSONObjectWriter: member \(name) after \(lastName ?? "")")
        lastName = name
        if count > 0 { output.append(UInt8(ascii: ",")) }
        count += 1
        JSONWriter.writeString(name, into: &output)
        output.append(UInt8(ascii: ":"))
    }

    public mutating func member(_ name: String, _ value: String?) {
        guard let value else { return }
        self.name(name)
        JSONWriter.writeString(value, into: &output)
    }

    public mutating func member(_ name: String, _ value: Int64?) {
        guard let value else { return }
        self.name(name)
        output.append(contentsOf: String(value).utf8)
    }

    public mutating func member(_ name: String, _ value: Int?) {
        member(name, value.map { Int64($0) })
    }

    public mutating func member(_ name: String, _ values: [String]?) {
        guard let values else { return }
        self.name(name)
        output.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(value, into: &output)
        }
        output.append(UInt8(ascii: "]"))
    }

    /// A nested object.
    public mutating func member(_ name: String, object body: (inout JSONObjectWriter) -> Void) {
        self.name(name)
        Self.writeObject(into: &output, body)
    }

    /// A nested object written from `value`; nothing when it is nil.
    public mutating func member<Value>(_ name: String, _ value: Value?, object body: (inout JSONObjectWriter, Value) -> Void) {
        guard let value else { return }
        member(name) { body(&$0, value) }
    }

    /// An array of objects, one per element.
    public mutating func member<Element>(_ name: String, objects elements: [Element], _ body: (inout JSONObjectWriter, Element) -> Void) {
        self.name(name)
        output.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            Self.writeObject(into: &output) { body(&$0, element) }
        }
        output.append(UInt8(ascii: "]"))
    }
}
