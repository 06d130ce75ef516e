import CTICore
import StartupCheck
import StartupCheckRunner

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// The C entry point (include/cti_startup_check.h): a JSON request in, the JSON verdict out.
/// The result is allocated with malloc and belongs to the caller, who frees it with
/// `cti_startup_check_free`. No global state: calls may run on any threads at once.
@_cdecl("cti_startup_check")
public func cti_startup_check(_ request: UnsafePointer<UInt8>?, _ length: Int) -> UnsafeMutablePointer<CChar>? {
    let verdict = StartupRun.verdictJSON(pointer: request, length: length)
    guard let memory = malloc(verdict.count + 1)?.assumingMemoryBound(to: UInt8.self) else { return nil }
    verdict.withUnsafeBufferPointer { if let base = $0.baseAddress { memory.update(from: base, count: $0.count) } }
    memory[verdict.count] = 0
    return UnsafeMutableRawPointer(memory).assumingMemoryBound(to: CChar.self)
}

/// Frees a verdict returned by `cti_startup_check` (NULL is fine).
@_cdecl("cti_startup_check_free")
public func cti_startup_check_free(_ verdict: UnsafeMutablePointer<CChar>?) {
    free(verdict)
}

/// The version of the request and verdict formats this library speaks, as a static string.
@_cdecl("cti_startup_check_version")
public func cti_startup_check_version() -> UnsafePointer<CChar> {
    StartupCheckEntry.version
}

enum StartupCheckEntry {
    /// "ctictl.startup-request/1 ctictl.startup-check/1", kept for the life of the process.
    nonisolated(unsafe) static let version: UnsafePointer<CChar> = {
        let text = Array("\(StartupInvocation.schema) \(StartupVerdict.schema)".utf8CString)
        let memory = UnsafeMutablePointer<CChar>.allocate(capacity: text.count)
        memory.initialize(from: text, count: text.count)
        return UnsafePointer(memory)
    }()
}
