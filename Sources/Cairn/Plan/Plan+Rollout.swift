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
    /// it needs, directly or through other changes: a member that needs a later one moves to
    /// just after the last member it needs.
    private func neededFirst(_ members: [Int], index: [String: Int]) -> [Int] {
        let isMember = Set(members)
        var placed: Set<Int> = []
        var order: [Int] = []
        var waiting: [(member: Int, needs: Set<Int>)] = []
        for member in members {
            waiting.append((member, membersNeeded(by: member, among: isMember, index: index)))
            // Place, in listed order, every waiting member whose needs are placed.
            while let k = waiting.firstIndex(where: { $0.needs.isSubset(of: placed) }) {
                let next = waiting.remove(at: k).member
                placed.insert(next)
                order.append(next)
            }
        }
        // Only a dependency cycle (refused when the spec loads) could leave any waiting.
        return order + waiting.map(\.member)
    }

    /// The members that change `i` needs, through any chain of dependencies.
    private func membersNeeded(by i: Int, among members: Set<Int>, index: [String: Int]) -> Set<Int> {
        var found: Set<Int> = []
        var seen: Set<Int> = [i]
        var next = changes[i].dependencies.compactMap { index[$0] }
        while let j = next.popLast() {
            guard seen.insert(j).inserted else { continue }
            if members.contains(j) { found.insert(j) }
            next += changes[j].dependencies.compactMap { index[$0] }
        }
        return found
    }
}
