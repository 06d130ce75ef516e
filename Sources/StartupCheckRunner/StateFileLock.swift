import CTICore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Serialises the writers of one state file: threads of a client calling the C entry point at
/// once, or two client processes starting together. Without it one writer can replace the
/// `.bak` of the state between the other's writing and reading back its backup, and that save
/// is refused (found by StartupCheckCEntryTests, 16 threads). An advisory `flock` on the state's
/// directory, so nothing else is created; where `flock` is missing (Windows) writers are not
/// serialised (docs/startup-check.md).
enum StateFileLock {
    static func holding<T>(forFileIn path: String, _ body: () throws -> T) rethrows -> T {
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        // A missing directory: a first start, nothing to back up, and the rename is atomic.
        let fd = open(SafeFile.parentDirectory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        }
        defer {
            if fd >= 0 {
                flock(fd, LOCK_UN)
                close(fd)
            }
        }
        #endif
        return try body()
    }
}
