#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's surroundings without Foundation: the client's start-up path must not pay
/// for initialising Foundation (milliseconds in a static binary) just to read the clock.
public enum SystemClock {
    /// Seconds since 1970, UTC.
    public static func now() -> Int64 { Int64(time(nil)) }
}

public enum EnvironmentVariables {
    /// The value of an environment variable; nil when unset or empty.
    public static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let text = String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)), as: UTF8.self)
        return text.isEmpty ? nil : text
    }
}

public enum StandardStream {
    case output
    case error

    /// Writes all bytes (retrying short writes) to stdout or stderr.
    public func write(_ bytes: [UInt8]) {
        let fd: Int32 = self == .output ? 1 : 2
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in writeBytes(fd, raw.baseAddress! + offset, raw.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe: nothing sensible left to do with the output
            }
            offset += written
        }
    }

    public func write(_ text: String) { write(Array(text.utf8)) }
}

@inline(__always) private func writeBytes(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
