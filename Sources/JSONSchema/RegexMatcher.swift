/// Runs a `RegexProgram` over a text's code points as an automaton (Pike's simulation): all
/// threads advance together, one code point at a time, and a thread is kept once per
/// instruction, so a search takes at most (instructions × code points) steps whatever the
/// pattern — no backtracking, no catastrophic case, no recursion over the text. Only a
/// lookahead starts a new run from its position (its answer cached per position); those runs
/// are what the step budget bounds.
struct RegexMatcher {
    /// Steps allowed beyond what the automaton itself needs (the instructions once per code
    /// point of the search): only lookaheads can use them up.
    static let extraSteps = 1_000_000

    enum Outcome: Equatable {
        case match, noMatch
        /// The step budget ran out (lookaheads on a long text): neither answer is known.
        case tooComplex
    }

    private let program: RegexProgram
    private let text: String.UnicodeScalarView
    private var steps = 0
    private var budget: Int
    private var exhausted = false
    /// Lookahead answers by `position * lookaheads + id`.
    private var lookaheadAnswers: [Int: Bool] = [:]
    /// Instructions still to follow in `addThread` (shared by nested runs: each uses the top).
    private var pending: [Int] = []

    init(_ program: RegexProgram, _ text: String) {
        self.program = program
        self.text = text.unicodeScalars
        budget = Self.extraSteps + program.instructions.count  // grows by that with every code point searched
    }

    /// Whether the program matches anywhere in the text.
    mutating func search() -> Outcome {
        let found = run(from: 0, at: text.startIndex, position: 0, searching: true)
        return exhausted ? .tooComplex : (found ? .match : .noMatch)
    }

    /// The threads at one position: a set of instruction indices (sparse set: O(1) insert,
    /// membership and clear).
    private struct Threads {
        private(set) var dense: [Int]
        private var sparse: [Int]
        private(set) var count = 0

        init(capacity: Int) {
            dense = Array(repeating: 0, count: capacity)
            sparse = Array(repeating: 0, count: capacity)
        }

        mutating func insert(_ pc: Int) -> Bool {
            let slot = sparse[pc]
            if slot < count, dense[slot] == pc { return false }
            sparse[pc] = count
            dense[count] = pc
            count += 1
            return true
        }

        mutating func removeAll() { count = 0 }
    }

    /// Runs from instruction `start` at `index` (code point number `position`): searching
    /// starts a new thread at every position (unanchored), a lookahead's run only at its own.
    /// True as soon as a thread reaches `succeed`.
    private mutating func run(from start: Int, at startIndex: String.UnicodeScalarView.Index, position startPosition: Int, searching: Bool) -> Bool {
        let size = program.instructions.count
        var threads = Threads(capacity: size)
        var seeds = searching ? [] : [start]
        var next: [Int] = []
        var index = startIndex
        var position = startPosition
        while true {
            threads.removeAll()
            for seed in seeds where addThread(seed, to: &threads, at: index, position) { return true }
            if searching, !program.anchoredAtStart || position == 0 {
                if addThread(start, to: &threads, at: index, position) { return true }
            }
            if exhausted || index == text.endIndex { return false }
            let value = text[index].value
            next.removeAll(keepingCapacity: true)
            for slot in 0..<threads.count {
                let pc = threads.dense[slot]
                switch program.instructions[pc] {
                case let .scalar(expected) where expected == value: next.append(pc + 1)
                case let .set(set) where program.sets[set].contains(value): next.append(pc + 1)
                default: break
                }
            }
            if next.isEmpty, !searching || program.anchoredAtStart { return false }
            swap(&seeds, &next)
            text.formIndex(after: &index)
            position += 1
            if searching { budget += size }
        }
    }

    /// Adds `pc` and every instruction reachable from it without consuming a code point;
    /// true when one of them is `succeed`.
    private mutating func addThread(_ pc: Int, to threads: inout Threads, at index: String.UnicodeScalarView.Index, _ position: Int) -> Bool {
        let base = pending.count
        defer { pending.removeSubrange(base...) }
        pending.append(pc)
        while pending.count > base {
            let pc = pending.removeLast()
            guard threads.insert(pc) else { continue }
            steps += 1
            if steps > budget { exhausted = true }
            if exhausted { return false }
            switch program.instructions[pc] {
            case .scalar, .set: break
            case .succeed: return true
            case let .jump(target): pending.append(target)
            case let .split(first, second): pending.append(second); pending.append(first)
            case let .assertion(assertion):
                if holds(assertion, at: index, position) { pending.append(pc + 1) }
            case let .lookahead(negated, next, id):
                if lookahead(id, from: pc + 1, at: index, position) != negated { pending.append(next) }
            }
        }
        return false
    }

    private mutating func lookahead(_ id: Int, from start: Int, at index: String.UnicodeScalarView.Index, _ position: Int) -> Bool {
        let key = position * program.lookaheads + id
        if let known = lookaheadAnswers[key] { return known }
        let answer = run(from: start, at: index, position: position, searching: false)
        if !exhausted { lookaheadAnswers[key] = answer }
        return answer
    }

    private func holds(_ assertion: RegexAssertion, at index: String.UnicodeScalarView.Index, _ position: Int) -> Bool {
        switch assertion {
        case .start: return position == 0
        case .end: return index == text.endIndex
        case .wordBoundary, .notWordBoundary:
            let before = position > 0 && Self.isWordCharacter(text[text.index(before: index)])
            let after = index < text.endIndex && Self.isWordCharacter(text[index])
            return (before != after) == (assertion == .wordBoundary)
        }
    }

    /// ECMA-262's word characters (`u` flag, no `i`): `[A-Za-z0-9_]`.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ScalarSet.wordCharacters.contains(scalar.value)
    }
}
