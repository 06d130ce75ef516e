import CTICore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one log, read by range: an open file, or bytes in memory (tests, fuzzing).
protocol LogBytes {
    var count: Int { get }
    /// Appends the bytes of `range` (fewer if the file shrank meanwhile) to `buffer`.
    func read(_ range: Range<Int>, appendingTo buffer: inout [UInt8]) throws(FileError)
}

struct MemoryLogBytes: LogBytes {
    let bytes: [UInt8]
    var count: Int { bytes.count }

    func read(_ range: Range<Int>, appendingTo buffer: inout [UInt8]) {
        buffer.append(contentsOf: bytes[range.clamped(to: 0..<bytes.count)])
    }
}

/// A log file opened for reading; closed when released.
final class LogFile: LogBytes {
    let path: String
    let count: Int
    private let descriptor: Int32

    init(path: String) throws(FileError) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { throw SafeFileErrors.error(path, errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw FileError(path: path, reason: .io("not a regular file; skipped"), isInput: true)
        }
        self.path = path
        count = Int(info.st_size)
    }

    deinit { close(descriptor) }

    func read(_ range: Range<Int>, appendingTo buffer: inout [UInt8]) throws(FileError) {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: range.count))
        var done = 0
        while done < range.count {
            let got = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(descriptor, base + start + done, range.count - done, off_t(range.lowerBound + done))
            }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw FileError(path: path, reason: .io("cannot be read (errno \(errno))"), isInput: true) }
            if got == 0 { break }
            done += got
        }
        buffer.removeLast(range.count - done)
    }
}

enum SafeFileErrors {
    static func error(_ path: String, _ code: Int32) -> FileError {
        switch code {
        case ENOENT: return FileError(path: path, reason: .notFound, isInput: true)
        case EACCES, EPERM: return FileError(path: path, reason: .permissionDenied, isInput: true)
        case ELOOP: return FileError(path: path, reason: .io("is a symbolic link; not followed"), isInput: true)
        default: return FileError(path: path, reason: .io("cannot be opened (errno \(code))"), isInput: true)
        }
    }
}

/// How a log's text is encoded, told by its first bytes.
public enum LogEncoding: String, Sendable, Equatable {
    /// UTF-8, or Windows-1252 (the signatures are searched in both spellings).
    case utf8 = "UTF-8"
    case utf8WithBOM = "UTF-8 with BOM"
    case utf16LE = "UTF-16LE with BOM"
    case utf16BE = "UTF-16BE with BOM"
    case utf16LEWithoutBOM = "UTF-16LE without BOM"
    case utf16BEWithoutBOM = "UTF-16BE without BOM"

    /// How many bytes of the head to look at.
    static let headLength = 512

    var byteOrderMarkLength: Int {
        switch self {
        case .utf8WithBOM: return 3
        case .utf16LE, .utf16BE: return 2
        default: return 0
        }
    }

    /// nil for UTF-8; else whether the high byte comes first.
    var utf16BigEndian: Bool? {
        switch self {
        case .utf16LE, .utf16LEWithoutBOM: return false
        case .utf16BE, .utf16BEWithoutBOM: return true
        default: return nil
        }
    }

    /// The byte order mark decides; without one, text whose every other byte is mostly zero
    /// (ASCII and Latin letters in UTF-16) is UTF-16 in that order.
    static func detect(head: [UInt8]) -> LogEncoding {
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8WithBOM }
        if head.starts(with: [0xFF, 0xFE]) { return .utf16LE }
        if head.starts(with: [0xFE, 0xFF]) { return .utf16BE }
        let pairs = head.count / 2
        guard pairs >= 2 else { return .utf8 }
        var evenZeros = 0, oddZeros = 0
        for index in 0..<pairs {
            if head[2 * index] == 0 { evenZeros += 1 }
            if head[2 * index + 1] == 0 { oddZeros += 1 }
        }
        if oddZeros * 10 >= pairs * 4 && evenZeros * 10 < pairs { return .utf16LEWithoutBOM }
        if evenZeros * 10 >= pairs * 4 && oddZeros * 10 < pairs { return .utf16BEWithoutBOM }
        return .utf8
    }
}

enum UTF16Transcoding {
    static func isLowSurrogate(_ unit: UInt16) -> Bool { (0xDC00...0xDFFF).contains(unit) }

    /// Appends the UTF-8 of UTF-16 `bytes` (an even count) to `output`; a lone surrogate
    /// becomes U+FFFD.
    static func appendUTF8(of bytes: [UInt8], bigEndian: Bool, to output: inout [UInt8]) {
        bytes.withUnsafeBytes { raw in
            let units = raw.count / 2
            var index = 0
            func unit(_ at: Int) -> UInt32 {
                let high = UInt32(raw[2 * at + (bigEndian ? 0 : 1)]), low = UInt32(raw[2 * at + (bigEndian ? 1 : 0)])
                return high << 8 | low
            }
            while index < units {
                var scalar = unit(index)
                index += 1
                if (0xD800...0xDBFF).contains(scalar) {
                    if index < units, (0xDC00...0xDFFF).contains(unit(index)) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (unit(index) - 0xDC00)
                        index += 1
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                switch scalar {
                case ..<0x80:
                    output.append(UInt8(scalar))
                case ..<0x800:
                    output.append(UInt8(0xC0 | scalar >> 6))
                    output.append(UInt8(0x80 | scalar & 0x3F))
                case ..<0x10000:
                    output.append(UInt8(0xE0 | scalar >> 12))
                    output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                    output.append(UInt8(0x80 | scalar & 0x3F))
                default:
                    output.append(UInt8(0xF0 | scalar >> 18))
                    output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
                    output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                    output.append(UInt8(0x80 | scalar & 0x3F))
                }
            }
        }
    }
}
