/// A stable topological order: dependencies first, otherwise the given order. Edges to
/// unknown nodes are ignored; nodes on a cycle (which validation rejects) come last.
enum DependencyOrder {
    static func sorted(_ nodes: [(String, [String])]) -> [String] {
        var index: [String: Int] = [:]
        for (i, n) in nodes.enumerated() { index[n.0] = i }
        var pending = [Int](repeating: 0, count: nodes.count)
        var dependents = [[Int]](repeating: [], count: nodes.count)
        for (i, n) in nodes.enumerated() {
            for d in Set(n.1) {
                guard let j = index[d], j != i else { continue }
                pending[i] += 1
                dependents[j].append(i)
            }
        }
        var ready = Heap<Int>()
        for i in nodes.indices where pending[i] == 0 { ready.insert(i) }
        var out: [String] = []
        out.reserveCapacity(nodes.count)
        var placed = [Bool](repeating: false, count: nodes.count)
        while let i = ready.popMin() {
            out.append(nodes[i].0)
            placed[i] = true
            for j in dependents[i] {
                pending[j] -= 1
                if pending[j] == 0 { ready.insert(j) }
            }
        }
        for i in nodes.indices where !placed[i] { out.append(nodes[i].0) }
        return out
    }
}

import HeapModule
