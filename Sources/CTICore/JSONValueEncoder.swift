/// Turns an `Encodable` value into a `JSONValue`, so every JSON document ctictl writes goes
/// through one writer (`JSONWriter`) — and no module needs Foundation's JSONEncoder. Numbers
/// become doubles, as JSON has them (integers up to 2^53 exactly: timestamps, counts, seats).
public enum JSONValueEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = ValueEncoder(codingPath: [])
        try value.encode(to: encoder)
        return encoder.storage.value ?? .object([:])
    }
}

/// A value being built: containers hand out references, so nested containers fill in place.
private final class Slot {
    enum Content {
        case empty
        case value(JSONValue)
        case object([String: Slot])
        case array([Slot])
    }

    var content: Content = .empty

    var value: JSONValue? {
        switch content {
        case .empty: return nil
        case let .value(value): return value
        case let .object(members): return .object(members.compactMapValues(\.value))
        case let .array(elements): return .array(elements.map { $0.value ?? .null })
        }
    }

    func members() -> [String: Slot] {
        if case let .object(members) = content { return members }
        content = .object([:])
        return [:]
    }

    func elements() -> [Slot] {
        if case let .array(elements) = content { return elements }
        content = .array([])
        return []
    }

    func member(_ key: String) -> Slot {
        var members = members()
        if let existing = members[key] { return existing }
        let slot = Slot()
        members[key] = slot
        content = .object(members)
        return slot
    }

    func appendElement() -> Slot {
        var elements = elements()
        let slot = Slot()
        elements.append(slot)
        content = .array(elements)
        return slot
    }
}

private struct ValueEncoder: Encoder {
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    let storage: Slot

    init(codingPath: [CodingKey], storage: Slot = Slot()) {
        self.codingPath = codingPath
        self.storage = storage
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        _ = storage.members()
        return KeyedEncodingContainer(KeyedContainer<Key>(codingPath: codingPath, storage: storage))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        _ = storage.elements()
        return UnkeyedContainer(codingPath: codingPath, storage: storage)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        SingleContainer(codingPath: codingPath, storage: storage)
    }
}

/// Encodes one value into `slot`: JSON's own kinds directly, anything else through its
/// `encode(to:)`.
private func put<T: Encodable>(_ value: T, into slot: Slot, codingPath: [CodingKey]) throws {
    switch value {
    case let value as JSONValue: slot.content = .value(value)
    case let value as String: slot.content = .value(.string(value))
    case let value as Bool: slot.content = .value(.bool(value))
    case let value as Double: slot.content = .value(.number(value))
    case let value as Float: slot.content = .value(.number(Double(value)))
    case let value as Int: slot.content = .value(.number(Double(value)))
    case let value as Int8: slot.content = .value(.number(Double(value)))
    case let value as Int16: slot.content = .value(.number(Double(value)))
    case let value as Int32: slot.content = .value(.number(Double(value)))
    case let value as Int64: slot.content = .value(.number(Double(value)))
    case let value as UInt: slot.content = .value(.number(Double(value)))
    case let value as UInt8: slot.content = .value(.number(Double(value)))
    case let value as UInt16: slot.content = .value(.number(Double(value)))
    case let value as UInt32: slot.content = .value(.number(Double(value)))
    case let value as UInt64: slot.content = .value(.number(Double(value)))
    default: try value.encode(to: ValueEncoder(codingPath: codingPath, storage: slot))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let codingPath: [CodingKey]
    let storage: Slot

    mutating func encodeNil(forKey key: Key) throws { storage.member(key.stringValue).content = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try put(value, into: storage.member(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        ValueEncoder(codingPath: codingPath + [key], storage: storage.member(key.stringValue)).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        ValueEncoder(codingPath: codingPath + [key], storage: storage.member(key.stringValue)).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder { ValueEncoder(codingPath: codingPath, storage: storage.member("super")) }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        ValueEncoder(codingPath: codingPath + [key], storage: storage.member(key.stringValue))
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let codingPath: [CodingKey]
    let storage: Slot
    var count: Int { storage.elements().count }

    private func next() -> (Slot, [CodingKey]) {
        let path = codingPath + [IndexKey(count)]
        return (storage.appendElement(), path)
    }

    mutating func encodeNil() throws { next().0.content = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let (slot, path) = next()
        try put(value, into: slot, codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let (slot, path) = next()
        return ValueEncoder(codingPath: path, storage: slot).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let (slot, path) = next()
        return ValueEncoder(codingPath: path, storage: slot).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        let (slot, path) = next()
        return ValueEncoder(codingPath: path, storage: slot)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let codingPath: [CodingKey]
    let storage: Slot

    mutating func encodeNil() throws { storage.content = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try put(value, into: storage, codingPath: codingPath)
    }
}
