/// How a batch runs its independent pieces: one after the other, or spread over threads.
/// CTICore only knows the serial way (the client links no thread pool); a tool that works
/// through thousands of files passes a concurrent one (`BatchRunner.concurrent`, in ConfigHistory).
///
/// The pieces must not depend on each other's order; each writes only its own result.
public struct BatchRunner: Sendable {
    /// Runs `body(i)` once for every `i` in `0..<count`, returning when all have run.
    private let forEachIndex: @Sendable (_ count: Int, _ body: @Sendable (Int) -> Void) -> Void

    public init(_ forEachIndex: @escaping @Sendable (_ count: Int, _ body: @Sendable (Int) -> Void) -> Void) {
        self.forEachIndex = forEachIndex
    }

    public static let serial = BatchRunner { count, body in
        for index in 0..<count { body(index) }
    }

    /// `(0..<count).map(transform)`, its pieces run as this runner runs them.
    public func map<T>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Every index is written by exactly one piece, so the pieces never share an element.
            let results = SharedBuffer(base: buffer.baseAddress!)
            forEachIndex(count) { index in (results.base + index).initialize(to: transform(index)) }
            initialized = count
        }
    }

    /// `map` over the elements of `items`.
    public func map<T: Sendable, U>(_ items: [T], _ transform: @Sendable (T) -> U) -> [U] {
        map(items.count) { transform(items[$0]) }
    }
}

/// A buffer whose elements the pieces of a batch write, each its own.
private struct SharedBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
