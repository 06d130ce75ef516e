import CTICore

/// Proves at load that validation terminates and stays small: following `$ref` and the
/// in-place applicators (`allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`) from any node
/// never comes back to that node without descending into the instance (which is finite),
/// and one instance value is never checked against more than a bounded number of subschemas
/// (a chain of `allOf: [{$ref: a}, {$ref: a}]` doubling at every step would otherwise be
/// exponential). Iterative, so a long `$ref` chain cannot exhaust the stack here.
struct SchemaGraphCheck {
    let nodes: [SchemaNode]
    let source: String

    func run() throws(CTIFailure) {
        let refusal = SchemaRefusal(source: source)
        let edges = nodes.map { node in node.checks.flatMap(\.rule.sameLocationNodes) }
        var state = [UInt8](repeating: 0, count: nodes.count)  // 0 new, 1 on the path, 2 done
        var cost = [Int](repeating: 1, count: nodes.count)
        var chain = [Int](repeating: 1, count: nodes.count)
        for start in nodes.indices where state[start] == 0 {
            var path: [(node: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = path.last {
                let children = edges[top.node]
                if top.next < children.count {
                    path[path.count - 1].next += 1
                    let child = children[top.next]
                    switch state[child] {
                    case 0:
                        state[child] = 1
                        path.append((child, 0))
                    case 1:
                        let loop = path.map(\.node).drop { $0 != child }.map { nodes[$0].location } + [nodes[child].location]
                        throw refusal.failure(.schemaRefCycle, nodes[child].location, "the schema refers to itself without descending into the instance (\(loop.map { $0.isEmpty ? "#" : $0 }.joined(separator: " → ")))")
                    default:
                        break
                    }
                    continue
                }
                path.removeLast()
                state[top.node] = 2
                for child in children {
                    cost[top.node] = min(cost[top.node] + cost[child], SchemaCompiler.maxEvaluationsPerValue + 1)
                    chain[top.node] = max(chain[top.node], chain[child] + 1)
                }
                if cost[top.node] > SchemaCompiler.maxEvaluationsPerValue {
                    throw refusal.failure(.schemaTooComplex, nodes[top.node].location, "the schema checks one value against more than \(SchemaCompiler.maxEvaluationsPerValue) subschemas ($ref/allOf fan-out)")
                }
                if chain[top.node] > SchemaCompiler.maxChainLength {
                    throw refusal.failure(.schemaTooComplex, nodes[top.node].location, "a chain of more than \(SchemaCompiler.maxChainLength) $refs/subschemas applies to one value")
                }
            }
        }
    }
}
