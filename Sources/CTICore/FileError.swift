/// A file could not be read or written. The message always names the path (in German too).
public struct FileError: CTIError {
    public enum Reason: Sendable, Equatable {
        case notFound
        case permissionDenied
        case isDirectory
        case tooLarge(size: Int64, limit: Int64)
        case alreadyExists
        case insecurePermissions(mode: UInt32)
        case io(String)
    }

    public let path: String
    public let reason: Reason
    /// Whether this file is an input the user handed us (65 on failure) or one we write (70).
    public let isInput: Bool

    public init(path: String, reason: Reason, isInput: Bool) {
        self.path = path
        self.reason = reason
        self.isInput = isInput
    }

    public var code: String {
        switch reason {
        case .notFound: return "file.not-found"
        case .permissionDenied: return "file.permission-denied"
        case .isDirectory: return "file.is-directory"
        case .tooLarge: return "file.too-large"
        case .alreadyExists: return "file.exists"
        case .insecurePermissions: return "key.insecure-permissions"
        case .io: return "file.io-error"
        }
    }

    public var kind: FailureKind {
        switch reason {
        case .alreadyExists: return .usage
        case .insecurePermissions: return .invalid
        case .io: return isInput ? .malformedInput : .internal
        default: return isInput ? .malformedInput : .internal
        }
    }

    public var message: String {
        switch reason {
        case .notFound:
            return "\(path): no such file; check the path"
        case .permissionDenied:
            return "\(path): permission denied; check the file's owner and mode"
        case .isDirectory:
            return "\(path): is a directory, expected a file"
        case let .tooLarge(size, limit):
            return "\(path): file is \(size) bytes, more than the \(limit) bytes allowed for this kind of file; is it the right file?"
        case .alreadyExists:
            return "\(path): already exists; refusing to overwrite it (move it away or choose another path)"
        case let .insecurePermissions(mode):
            let octal = String(mode & 0o777, radix: 8)
            return "\(path): private key file is readable by group or others (mode \(octal)); run `chmod 600 \(path)` and retry"
        case let .io(detail):
            return "\(path): \(detail)"
        }
    }

    public var german: String? {
        switch reason {
        case .notFound:
            return "\(path): keine solche Datei; prüfen Sie den Pfad"
        case .permissionDenied:
            return "\(path): Zugriff verweigert; prüfen Sie Eigentümer und Rechte der Datei"
        case .isDirectory:
            return "\(path): ist ein Ordner, erwartet war eine Datei"
        case let .tooLarge(size, limit):
            return "\(path): die Datei hat \(size) Bytes, mehr als die \(limit) Bytes, die für diese Art Datei erlaubt sind; ist es die richtige Datei?"
        case .alreadyExists:
            return "\(path): existiert schon; sie wird nicht überschrieben (verschieben Sie sie oder wählen Sie einen anderen Pfad)"
        case let .insecurePermissions(mode):
            let octal = String(mode & 0o777, radix: 8)
            return "\(path): die Datei des privaten Schlüssels ist für Gruppe oder andere lesbar (Modus \(octal)); führen Sie `chmod 600 \(path)` aus und versuchen Sie es erneut"
        case .io:
            // The detail is the system's English.
            return nil
        }
    }
}
