/// A parsed pattern as a program for a nondeterministic automaton (Thompson's construction):
/// instructions that consume one code point, and jumps, splits and assertions between them.
struct RegexProgram: Sendable {
    enum Instruction: Sendable {
        case scalar(UInt32)
        /// Index into `sets`.
        case set(Int)
        case assertion(RegexAssertion)
        /// Continue at both.
        case split(Int, Int)
        case jump(Int)
        /// The lookahead's own program follows, up to its `succeed`; on success (or failure
        /// when negated) continue at `next`. `id` numbers it for the matcher's cache.
        case lookahead(negated: Bool, next: Int, id: Int)
        case succeed
    }

    /// Counted repetitions are written out (`a{3}` is `aaa`); a pattern whose program would
    /// exceed this is refused rather than built (`(a{1000}){1000}`).
    static let maxInstructions = 20_000

    private(set) var instructions: [Instruction] = []
    private(set) var sets: [ScalarSet] = []
    private(set) var lookaheads = 0
    /// Nodes emitted: an empty atom repeated adds no instruction, but `((){1000}){1000}` is
    /// still a million nodes to walk.
    private var emitted = 0
    /// Every match starts with `^`: a search need not try later starts.
    let anchoredAtStart: Bool

    init(_ node: RegexNode) throws(ECMARegex.SyntaxError) {
        anchoredAtStart = Self.startsWithStartAnchor(node)
        try emit(node)
        try append(.succeed)
    }

    private static func startsWithStartAnchor(_ node: RegexNode) -> Bool {
        switch node {
        case .assertion(.start): return true
        case let .sequence(nodes): return nodes.first.map(startsWithStartAnchor) ?? false
        case let .alternation(nodes): return nodes.allSatisfy(startsWithStartAnchor)
        default: return false
        }
    }

    private static let tooLarge = ECMARegex.SyntaxError(reason: "the pattern is too large once its counted repetitions are written out (more than \(maxInstructions) instructions)")

    @discardableResult
    private mutating func append(_ instruction: Instruction) throws(ECMARegex.SyntaxError) -> Int {
        guard instructions.count < Self.maxInstructions else { throw Self.tooLarge }
        instructions.append(instruction)
        return instructions.count - 1
    }

    private mutating func emit(_ node: RegexNode) throws(ECMARegex.SyntaxError) {
        emitted += 1
        guard emitted <= 5 * Self.maxInstructions else { throw Self.tooLarge }
        switch node {
        case .empty:
            break
        case let .scalar(value):
            try append(.scalar(value))
        case let .set(set):
            sets.append(set)
            try append(.set(sets.count - 1))
        case let .assertion(assertion):
            try append(.assertion(assertion))
        case let .lookahead(inner, negated):
            let at = try append(.succeed)  // replaced below, once `next` is known
            try emit(inner)
            try append(.succeed)
            instructions[at] = .lookahead(negated: negated, next: instructions.count, id: lookaheads)
            lookaheads += 1
        case let .sequence(nodes):
            for node in nodes { try emit(node) }
        case let .alternation(nodes):
            var exits: [Int] = []
            for node in nodes.dropLast() {
                let split = try append(.succeed)
                try emit(node)
                exits.append(try append(.succeed))
                instructions[split] = .split(split + 1, instructions.count)
            }
            if let last = nodes.last { try emit(last) }
            for exit in exits { instructions[exit] = .jump(instructions.count) }
        case let .repetition(inner, min, max):
            for _ in 0..<min { try emit(inner) }
            if let max {
                for _ in min..<max { try optional(inner) }
            } else {
                let loop = try append(.succeed)
                try emit(inner)
                try append(.jump(loop))
                instructions[loop] = .split(loop + 1, instructions.count)
            }
        }
    }

    /// `inner` once or not at all.
    private mutating func optional(_ inner: RegexNode) throws(ECMARegex.SyntaxError) {
        let split = try append(.succeed)
        try emit(inner)
        instructions[split] = .split(split + 1, instructions.count)
    }
}
