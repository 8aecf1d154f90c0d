import HeapModule

/// Which resource waits for which: nodes are addresses, and an edge runs from a resource to
/// each resource it depends on (its references and its `depends_on`).
///
/// Everything that orders work (validation, the planner, the executor, rollback) reads this
/// one graph. Orders are deterministic: among nodes that are ready at the same time, the one
/// declared first comes first.
public struct DependencyGraph: Sendable, Hashable {
    /// The addresses, in declaration order.
    public let nodes: [String]
    private let index: [String: Int]
    /// `dependencies[i]`: the indices node `i` depends on, in the order given, without repeats.
    private let dependencyIndices: [[Int]]
    /// `dependents[i]`: the indices that depend on node `i`, in declaration order.
    private let dependentIndices: [[Int]]

    /// A graph over `nodes` (in declaration order; repeats are ignored) with
    /// `edges[a] = [b, c]` meaning that `a` depends on `b` and `c`. Edges that name an
    /// address not in `nodes` are ignored; callers report those separately.
    public init(nodes: [String], edges: [String: [String]]) {
        var unique: [String] = []
        var index: [String: Int] = [:]
        for node in nodes where index[node] == nil {
            index[node] = unique.count
            unique.append(node)
        }
        var dependencies = [[Int]](repeating: [], count: unique.count)
        var dependents = [[Int]](repeating: [], count: unique.count)
        for (from, i) in index {
            var seen = Set<Int>()
            for to in edges[from] ?? [] {
                guard let j = index[to], seen.insert(j).inserted else { continue }
                dependencies[i].append(j)
                dependents[j].append(i)
            }
        }
        self.nodes = unique
        self.index = index
        self.dependencyIndices = dependencies
        self.dependentIndices = dependents.map { $0.sorted() }
    }

    /// The graph of a stack's resources, with edges from ``Resource/dependencies``.
    public init(stack: Stack) {
        var edges: [String: [String]] = [:]
        for resource in stack.resources { edges[resource.address] = resource.dependencies }
        self.init(nodes: stack.resources.map(\.address), edges: edges)
    }

    /// Whether `address` is a node of the graph.
    public func contains(_ address: String) -> Bool { index[address] != nil }

    /// What `address` waits for directly (empty for an unknown address).
    public func dependencies(of address: String) -> [String] {
        guard let i = index[address] else { return [] }
        return dependencyIndices[i].map { nodes[$0] }
    }

    /// What waits for `address` directly, in declaration order (empty for an unknown address).
    public func dependents(of address: String) -> [String] {
        guard let i = index[address] else { return [] }
        return dependentIndices[i].map { nodes[$0] }
    }

    /// Everything that waits for `address`, directly or not, in declaration order: what a
    /// failure or a replacement of `address` affects.
    public func transitiveDependents(of address: String) -> [String] {
        reachable(from: address, through: dependentIndices)
    }

    /// Everything `address` waits for, directly or not, in declaration order.
    public func transitiveDependencies(of address: String) -> [String] {
        reachable(from: address, through: dependencyIndices)
    }

    /// Every node, each after everything it depends on (the order to create in); ties go to
    /// the node declared first. Nodes on a cycle (see ``cycles()``) cannot be ordered: they,
    /// and whatever depends on them, come last, in declaration order.
    public func topologicalOrder() -> [String] {
        var waiting = dependencyIndices.map(\.count)
        var ready = Heap(waiting.indices.filter { waiting[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while let i = ready.popMin() {
            order.append(i)
            for j in dependentIndices[i] {
                waiting[j] -= 1
                if waiting[j] == 0 { ready.insert(j) }
            }
        }
        if order.count < nodes.count {
            let placed = Set(order)
            order += nodes.indices.filter { !placed.contains($0) }
        }
        return order.map { nodes[$0] }
    }

    /// Every node, each before everything it depends on (the order to delete or undo in).
    /// The exact reverse of ``topologicalOrder()``.
    public func reverseTopologicalOrder() -> [String] {
        topologicalOrder().reversed()
    }

    /// One cycle per group of nodes that wait on each other (a strongly connected component
    /// with more than one node, or a node that depends on itself), as a path that starts and
    /// ends at the group's node declared first: `["subnet", "vm", "subnet"]`. Groups are listed
    /// in the order of their first node. Empty when the graph is acyclic.
    public func cycles() -> [[String]] {
        var cycles: [[Int]] = []
        for component in stronglyConnectedComponents() {
            let members = Set(component)
            let start = component.min()!
            if component.count == 1 {
                if dependencyIndices[start].contains(start) { cycles.append([start, start]) }
                continue
            }
            cycles.append(shortestCycle(from: start, within: members))
        }
        return cycles.sorted { $0[0] < $1[0] }.map { $0.map { nodes[$0] } }
    }

    /// The first of ``cycles()``, or nil when the graph is acyclic.
    public func firstCycle() -> [String]? {
        cycles().first
    }

    // MARK: - Private

    private func reachable(from address: String, through adjacency: [[Int]]) -> [String] {
        guard let start = index[address] else { return [] }
        var seen = Set<Int>([start])
        var pending = [start]
        while let i = pending.popLast() {
            for j in adjacency[i] where seen.insert(j).inserted { pending.append(j) }
        }
        seen.remove(start)
        return seen.sorted().map { nodes[$0] }
    }

    /// A shortest path from `start` back to itself that stays within `members` (breadth-first,
    /// so the reported cycle is as short as the graph allows).
    private func shortestCycle(from start: Int, within members: Set<Int>) -> [Int] {
        var previous: [Int: Int] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let i = queue[head]
            head += 1
            for j in dependencyIndices[i] where members.contains(j) {
                if j == start {
                    var path = [start]
                    var k = i
                    while k != start {
                        path.append(k)
                        k = previous[k]!
                    }
                    path.append(start)
                    // path holds start, then the nodes back towards start; the edges run forwards.
                    return [start] + path.dropFirst().dropLast().reversed() + [start]
                }
                if previous[j] == nil {
                    previous[j] = i
                    queue.append(j)
                }
            }
        }
        return [start, start]
    }

    /// Tarjan's algorithm, iterative so that a long chain cannot exhaust the stack.
    private func stronglyConnectedComponents() -> [[Int]] {
        let count = nodes.count
        var indexOf = [Int](repeating: -1, count: count)
        var lowLink = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var stack: [Int] = []
        var components: [[Int]] = []
        var nextIndex = 0
        for root in 0..<count where indexOf[root] < 0 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            indexOf[root] = nextIndex
            lowLink[root] = nextIndex
            nextIndex += 1
            stack.append(root)
            onStack[root] = true
            while let (node, edge) = work.last {
                if edge < dependencyIndices[node].count {
                    work[work.count - 1].edge += 1
                    let next = dependencyIndices[node][edge]
                    if indexOf[next] < 0 {
                        indexOf[next] = nextIndex
                        lowLink[next] = nextIndex
                        nextIndex += 1
                        stack.append(next)
                        onStack[next] = true
                        work.append((next, 0))
                    } else if onStack[next] {
                        lowLink[node] = min(lowLink[node], indexOf[next])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node { lowLink[parent] = min(lowLink[parent], lowLink[node]) }
                if lowLink[node] == indexOf[node] {
                    var component: [Int] = []
                    while let member = stack.popLast() {
                        onStack[member] = false
                        component.append(member)
                        if member == node { break }
                    }
                    components.append(component)
                }
            }
        }
        return components
    }
}

