import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a blocking call (getaddrinfo, poll) on a thread of its own, so it never holds one of
/// the few threads of Swift's cooperative pool, and many such calls wait side by side instead
/// of queueing behind each other.
enum OwnThread {
    /// The call's result; the call itself must end on its own (poll with a timeout).
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            start { continuation.resume(returning: work()) }
        }
    }

    /// The call's result, or nil once `deadline` passes: for a call that cannot be bounded
    /// (getaddrinfo). Its thread then finishes in the background (the system resolver's own
    /// timeouts end it) and its result is dropped.
    static func run<T: Sendable>(until deadline: ContinuousClock.Instant, _ work: @escaping @Sendable () -> T) async -> T? {
        let pending = Pending<T>()
        return await withCheckedContinuation { continuation in
            pending.hold(continuation)
            start { pending.finish(work()) }
            Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                pending.finish(nil)
            }
        }
    }

    /// A continuation resumed once: by whichever comes first, the result or the deadline.
    private final class Pending<T: Sendable>: Sendable {
        private let continuation = Mutex<CheckedContinuation<T?, Never>?>(nil)

        func hold(_ waiting: CheckedContinuation<T?, Never>) { continuation.withLock { $0 = waiting } }

        func finish(_ value: T?) {
            continuation.withLock { waiting in
                waiting?.resume(returning: value)
                waiting = nil
            }
        }
    }

    private final class Job {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// A detached thread running `body`; if no thread can be made, `body` runs here.
    private static func start(_ body: @escaping @Sendable () -> Void) {
        let job = Unmanaged.passRetained(Job(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let created = pthread_create(&thread, &attributes, { argument in
            guard let argument else { return nil }
            Unmanaged<Job>.fromOpaque(argument).takeRetainedValue().body()
            return nil
        }, job)
        if created != 0 { Unmanaged<Job>.fromOpaque(job).takeRetainedValue().body() }
    }
}
