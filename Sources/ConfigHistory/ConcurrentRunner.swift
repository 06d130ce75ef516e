import CTICore
import Dispatch

extension BatchRunner {
    /// The pieces spread over the machine's cores (Dispatch's concurrentPerform): what a tool
    /// working through thousands of files uses (`config migrate --root`, docs/performance.md).
    /// Not in CTICore, so the client's programs link no thread pool.
    ///
    /// Two closures run at once on two threads of their own, not as the two pieces of one
    /// `concurrentPerform`: inside that, every `map` of either would run on one thread.
    public static let concurrent = BatchRunner({ count, body in
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }, both: { first, second in
        withoutActuallyEscaping(second) { second in
            let job = Job(second)
            DispatchQueue.global().async { job.runOnce() }
            first()
            job.finished.wait()
        }
    })
}

/// The second closure of `both`, run on another thread. It lets go of the closure before it
/// signals, so nothing holds it once the caller's wait is over (the closure does not escape).
private final class Job: @unchecked Sendable {  // `work` is set before the thread starts and cleared by it alone
    private var work: (() -> Void)?
    let finished = DispatchSemaphore(value: 0)

    init(_ work: @escaping () -> Void) { self.work = work }

    func runOnce() {
        work?()
        work = nil
        finished.signal()
    }
}
