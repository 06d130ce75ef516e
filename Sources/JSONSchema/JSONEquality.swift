import CTICore

/// JSON Schema's equality (`const`, `enum`): strings equal code point by code point — Swift's
/// `==` on `String` treats "é" and "e\u{301}" as equal, JSON Schema does not — numbers by
/// value (1 equals 1.0), arrays element-wise, objects member-wise.
enum JSONEquality {
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(left), .string(right)):
            return left.unicodeScalars.elementsEqual(right.unicodeScalars)
        case let (.array(left), .array(right)):
            return left.count == right.count && zip(left, right).allSatisfy { equal($0, $1) }
        case let (.object(left), .object(right)):
            guard left.count == right.count else { return false }
            for (name, value) in left {
                // The lookup finds the canonically equal name; it must also be the same code points.
                guard let index = right.index(forKey: name), right[index].key.unicodeScalars.elementsEqual(name.unicodeScalars),
                      equal(value, right[index].value) else { return false }
            }
            return true
        default:
            return lhs == rhs
        }
    }
}
