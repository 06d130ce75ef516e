import CTICore
import Dispatch

extension BatchRunner {
    /// The pieces spread over the machine's cores (Dispatch's concurrentPerform): what a tool
    /// working through thousands of files uses (`config migrate --root`, docs/performance.md).
    /// Not in CTICore, so the client's programs link no thread pool.
    public static let concurrent = BatchRunner { count, body in
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}
