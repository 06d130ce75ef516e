/// How a batch runs its independent pieces: one after the other, or spread over threads.
/// CTICore only knows the serial way (the client links no thread pool); a tool that works
/// through thousands of files passes a concurrent one (`BatchRunner.concurrent`, in ConfigHistory).
///
/// The pieces must not depend on each other's order; each writes only its own result.
public struct BatchRunner: Sendable {
    /// Runs `body(i)` once for every `i` in `0..<count`, returning when all have run.
    private let forEachIndex: @Sendable (_ count: Int, _ body: @Sendable (Int) -> Void) -> Void
    /// Runs both closures, at the same time where it can, returning when both have run.
    private let both: @Sendable (_ first: @Sendable () -> Void, _ second: @Sendable () -> Void) -> Void

    /// A runner from its way to run many pieces and its way to run two at once (by default:
    /// as two of its pieces).
    public init(
        _ forEachIndex: @escaping @Sendable (_ count: Int, _ body: @Sendable (Int) -> Void) -> Void,
        both: (@Sendable (_ first: @Sendable () -> Void, _ second: @Sendable () -> Void) -> Void)? = nil
    ) {
        self.forEachIndex = forEachIndex
        self.both = both ?? { first, second in forEachIndex(2) { $0 == 0 ? first() : second() } }
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

    /// Runs `first` and `second` at the same time where the runner can (one after the other
    /// where it cannot), returning when both have run.
    public func overlapping(_ first: @Sendable () -> Void, _ second: @Sendable () -> Void) {
        both(first, second)
    }

    /// For each of `count` pieces in order: `produce(i)`, then `consume` of its result, with
    /// `produce(i + 1)` running while `consume` handles piece i (a batch computes its next
    /// chunk while it waits for the disk to take the last one). `consume` runs for one piece
    /// at a time, in order, though not always on the calling thread.
    public func pipelined<T: Sendable>(_ count: Int, produce: @Sendable (Int) -> T, consume: (T) -> Void) {
        guard count > 0 else { return }
        var current = produce(0)
        for index in 0..<count {
            guard index + 1 < count else {
                consume(current)
                return
            }
            let next = UncheckedBox<T?>(nil)
            withoutActuallyEscaping(consume) { consume in
                let piece = UncheckedBox(current), step = UncheckedBox(consume)
                overlapping({ step.value(piece.value) }, { next.value = produce(index + 1) })
            }
            guard let produced = next.value else { return }
            current = produced
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

/// A value handed to one other piece of a batch, which alone reads or writes it until the
/// batch returns.
private final class UncheckedBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
