import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking calls (getaddrinfo, poll) on threads of their own. They never hold one of the few
/// threads of Swift's cooperative pool, and they never wait for one: a pool kept busy by
/// other work (another check reading a large log) cannot delay a probe past its deadline and
/// turn an open port into a timeout. Many such calls wait side by side.
enum OwnThread {
    /// Runs `work` on a thread of its own and returns its result; `work` must end on its own.
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            start { continuation.resume(returning: work()) }
        }
    }

    /// Runs every piece of work at once, each on a thread of its own, and waits for all;
    /// the results in the order of `works`.
    static func all<T: Sendable>(_ works: [@Sendable () -> T]) -> [T] {
        let results = ResultBox<[T?]>(Array(repeating: nil, count: works.count))
        let finished = DispatchGroup()
        for (index, work) in works.enumerated() {
            finished.enter()
            start {
                let value = work()
                results.update { $0[index] = value }
                finished.leave()
            }
        }
        finished.wait()
        return results.value.compactMap { $0 }
    }

    /// The result of `work`, or nil once `deadline` passes: for a call that cannot be bounded
    /// (getaddrinfo). Its thread then finishes in the background (the system resolver's own
    /// timeouts end it) and its result is dropped.
    static func result<T: Sendable>(until deadline: ContinuousClock.Instant, _ work: @escaping @Sendable () -> T) -> T? {
        let result = ResultBox<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        start {
            let value = work()
            result.update { $0 = value }
            done.signal()
        }
        let left = ContinuousClock.now.duration(to: deadline)
        let nanoseconds = max(0, left.components.seconds * 1_000_000_000 + left.components.attoseconds / 1_000_000_000)
        guard done.wait(timeout: .now() + .nanoseconds(Int(clamping: nanoseconds))) == .success else { return nil }
        return result.value
    }

    /// A value several threads write and the waiting one reads.
    private final class ResultBox<Value: Sendable>: Sendable {
        private let stored: Mutex<Value>
        init(_ value: Value) { stored = Mutex(value) }
        var value: Value { stored.withLock { $0 } }
        func update(_ change: (inout Value) -> Void) { stored.withLock { change(&$0) } }
    }

    private final class Job {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// A detached thread running `body`; if no thread can be made, `body` runs here.
    static func start(_ body: @escaping @Sendable () -> Void) {
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
