/// A document handed to a check as bytes, with the name its errors use (a path, or a word
/// such as "license" when it came inline). Checks that do no I/O take these; the programs
/// around them read the files.
public struct InputDocument: Sendable, Equatable {
    public let name: String
    public let bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
