/// What kind of failure an error is. The command line maps each kind to one documented exit
/// status (docs/cli.md), so every library error can be rendered without a stack trace.
public enum FailureKind: String, Sendable, Codable {
    /// The caller asked for something impossible (bad flag combination, missing option): 64.
    case usage
    /// An input could not be read or parsed (not a license, broken JSON, unreadable file): 65.
    case malformedInput
    /// The input was read and is well-formed, but is not valid (bad signature, expired): 1.
    case invalid
    /// The tool itself failed (disk full, database error): 70.
    case `internal`

    /// The process exit status documented for this kind of failure.
    public var exitStatus: Int32 {
        switch self {
        case .usage: return 64
        case .malformedInput: return 65
        case .invalid: return 1
        case .internal: return 70
        }
    }
}

/// An error every ctictl library throws: a stable machine code, a one-line message that names
/// the input and says what to do, and a kind that decides the exit status.
public protocol CTIError: Error, CustomStringConvertible, Sendable {
    /// Stable code for scripts and support (`license.signature-invalid`, `file.not-found`).
    var code: String { get }
    /// One line for a person: what input, what is wrong, what to do.
    var message: String { get }
    var kind: FailureKind { get }
}

extension CTIError {
    public var description: String { message }
}

/// The common shape of the modules' error types (`SigningError`, `LicenseError`, ...): a
/// type per layer, so callers can catch one layer's errors, with one implementation.
public protocol LayerError: CTIError {
    init(_ code: String, _ message: String, kind: FailureKind)
}

extension LayerError {
    public static func malformed(_ code: String, _ message: String) -> Self { Self(code, message, kind: .malformedInput) }
    public static func invalid(_ code: String, _ message: String) -> Self { Self(code, message, kind: .invalid) }
    public static func usage(_ code: String, _ message: String) -> Self { Self(code, message, kind: .usage) }

    /// The same error with the input's name in front, for messages that must name the file.
    public func naming(_ source: String) -> Self { Self(code, "\(source): \(message)", kind: kind) }
}

/// A general-purpose error for cases that need no type of their own.
public struct GenericCTIError: CTIError {
    public let code: String
    public let message: String
    public let kind: FailureKind

    public init(code: String, message: String, kind: FailureKind) {
        self.code = code
        self.message = message
        self.kind = kind
    }
}
