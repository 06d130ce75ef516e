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

/// A stable error code: its text is the contract scripts and support match on
/// (`license.signature-invalid`), its kind decides the exit status. Each module declares the
/// codes it throws as constants (`extension ErrorCode { static let ledgerNotFound = ... }`), so
/// code compares codes as values, never as strings typed twice (model: swift-certificates'
/// `CertificateError.ErrorCode`).
public struct ErrorCode: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public let kind: FailureKind

    public init(_ rawValue: String, _ kind: FailureKind) {
        self.rawValue = rawValue
        self.kind = kind
    }

    public var description: String { rawValue }

    /// Codes are equal by their text: the kind belongs to the code, it does not tell two apart.
    public static func == (lhs: ErrorCode, rhs: ErrorCode) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

/// An error every ctictl library throws: a stable machine code, a one-line message that names
/// the input and says what to do, and a kind that decides the exit status. `CTIFailure` is the
/// one implementation; errors that carry more structure (`FileError` with its path and reason,
/// refused claims with every problem) conform themselves.
public protocol CTIError: Error, CustomStringConvertible, Sendable {
    /// Stable code for scripts and support (`license.signature-invalid`, `file.not-found`).
    var code: String { get }
    /// One line for a person: what input, what is wrong, what to do.
    var message: String { get }
    var kind: FailureKind { get }
    /// The message in German, where one is written (commands with `--lang de` show it).
    var german: String? { get }
}

extension CTIError {
    public var description: String { message }

    public var german: String? { nil }

    /// The code as a value, to compare with a module's constants.
    public var errorCode: ErrorCode { ErrorCode(code, kind) }

    /// The same error (same code) told with more context, e.g. what the caller was doing.
    public func rephrased(_ message: String) -> CTIFailure { CTIFailure(errorCode, message) }
}

/// The error of every layer: a code and a message, and for the failures people meet in
/// commands with `--lang de` (a settings file's outcome) the message in German too.
public struct CTIFailure: CTIError, Equatable {
    public let errorCode: ErrorCode
    public let message: String
    /// The message in German, where the thrower wrote one.
    public let german: String?

    public init(_ code: ErrorCode, _ message: String, german: String? = nil) {
        self.errorCode = code
        self.message = message
        self.german = german
    }

    /// Any ctictl error as this one type (its code and message), where errors are kept as
    /// values: a batch's result per row.
    public init(_ error: any CTIError) {
        self.init(error.errorCode, error.message, german: error.german)
    }

    public var code: String { errorCode.rawValue }
    public var kind: FailureKind { errorCode.kind }

    /// The message in both languages (English where no German was written).
    public var text: LocalizedText { LocalizedText(en: message, de: german ?? message) }

    /// The same error with the input's name in front, for messages that must name the file.
    public func naming(_ source: String) -> CTIFailure {
        CTIFailure(errorCode, "\(source): \(message)", german: german.map { "\(source): \($0)" })
    }
}
