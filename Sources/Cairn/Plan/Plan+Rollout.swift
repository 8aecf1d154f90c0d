extension Plan {
    /// A fleet, or a named group of resources (`rollouts:`), whose changes roll out in waves:
    /// which members each wave changes, and the policy that decides between waves whether the
    /// run goes on.
    public struct Rollout: Sendable, Hashable, Codable {
        /// The fleet's name (`web`), or the group's.
        public var fleet: String
        /// Sizes, failure threshold, pause, verification and rollback scope.
        public var policy: RolloutPolicy
        /// The addresses each wave changes, wave 1 first.
        public var waves: [[String]]

        /// A rollout of `fleet` in `waves` under `policy`.
        public init(fleet: String, policy: RolloutPolicy, waves: [[String]]) {
            self.fleet = fleet
            self.policy = policy
            self.waves = waves
        }
    }

    /// True when a rollout asks for each wave to be verified before the next (`verify: true`):
    /// ``Engine/apply(_:options:verify:operation:)`` then verifies each group of steps (each
    /// dependency level within each wave) as it finishes, when verification is on.
    public var verifiesWaves: Bool { (rollouts ?? []).contains { $0.policy.verify } }

    /// How many waves the plan's rollouts have (0 when no fleet rolls out). Waves of different
    /// fleets with the same number run together.
    public var waveCount: Int { (rollouts ?? []).map(\.waves.count).max() ?? 0 }

    /// Splits the changes of each fleet that has a rollout, and of each rollout group, into
    /// waves and records them: the members that the plan creates, updates or replaces, in member
    /// order (a group's: as the spec lists them), except that a member comes after the members
    /// it needs (directly or through other resources), cut at the policy's cumulative sizes
    /// (``RolloutPolicy/cumulativeSizes(of:)``). So no member waits in its wave for one of a
    /// later wave, and the plan shows the wave each member runs in. Deletions are not part of
    /// a wave: they run last, after every wave.
    mutating func assignWaves(stack: Stack) {
        var index: [String: Int] = [:]
        for (i, change) in changes.enumerated() { index[change.address] = i }
        var declared: [(name: String, members: [String], policy: RolloutPolicy)] = []
        for resource in stack.resources {
            guard let fleet = resource.fleet, let policy = resource.rollout,
                !declared.contains(where: { $0.name == fleet })
            else { continue }
            declared.append((fleet, stack.resources.filter { $0.fleet == fleet }.map(\.address), policy))
        }
        declared += stack.rolloutGroups.map { ($0.name, $0.members, $0.policy) }
        var out: [Rollout] = []
        for (fleet, members, policy) in declared {
            let changing = neededFirst(
                members.compactMap { address -> Int? in
                    guard let i = index[address] else { return nil }
                    return [.create, .update, .replace].contains(changes[i].action) ? i : nil
                }, index: index)
            guard !changing.isEmpty else { continue }
            var waves: [[String]] = []
            var start = 0
            for end in policy.cumulativeSizes(of: changing.count) {
                let wave = changing[start..<end]
                for i in wave { changes[i].wave = waves.count + 1 }
                waves.append(wave.map { changes[$0].address })
                start = end
            }
            out.append(Rollout(fleet: fleet, policy: policy, waves: waves))
        }
        rollouts = out.isEmpty ? nil : out
    }

    /// `members` (indices of changes) in their order, except that each comes after the members
    /// it needs, directly or through other changes that run (the waits of the executor's steps):
    /// the first-listed member whose needs are placed goes next.
    private func neededFirst(_ members: [Int], index: [String: Int]) -> [Int] {
        let isMember = Set(members)
        var nearest: [Int: Set<Int>] = [:]
        var edges: [String: [String]] = [:]
        for member in members {
            let needs = changes[member].dependencies.compactMap { index[$0] }.reduce(into: Set<Int>()) { found, d in
                found.formUnion(isMember.contains(d) ? [d] : membersNeeded(by: d, among: isMember, index: index, memo: &nearest))
            }
            edges[changes[member].address] = needs.subtracting([member]).map { changes[$0].address }
        }
        let order = DependencyGraph(nodes: members.map { changes[$0].address }, edges: edges).topologicalOrder()
        return order.compactMap { index[$0] }
    }

    /// The members that change `i` (not a member) waits for through changes that run, nearest
    /// first: the walk stops at a member, whose own needs are placed before it. Memoized in
    /// `memo`; iterative, so a long chain cannot overflow the stack.
    private func membersNeeded(
        by i: Int, among members: Set<Int>, index: [String: Int], memo: inout [Int: Set<Int>]
    ) -> Set<Int> {
        let runs: (Int) -> Bool = { [.create, .update, .replace].contains(self.changes[$0].action) }
        guard runs(i) else { return [] }
        if let known = memo[i] { return known }
        // Depth first, one dependency at a time, so `path` holds exactly the chain being walked:
        // meeting a change on it again closes a cycle, which adds nothing.
        var path = [i]
        var onPath: Set<Int> = [i]
        while let j = path.last {
            let deps = changes[j].dependencies.compactMap { index[$0] }.filter { members.contains($0) || runs($0) }
            if let next = deps.first(where: { !members.contains($0) && memo[$0] == nil && !onPath.contains($0) }) {
                path.append(next)
                onPath.insert(next)
                continue
            }
            memo[j] = deps.reduce(into: Set<Int>()) { found, d in
                found.formUnion(members.contains(d) ? [d] : memo[d] ?? [])
            }
            path.removeLast()
            onPath.remove(j)
        }
        return memo[i] ?? []
    }
}
