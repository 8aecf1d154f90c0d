extension Step {
    /// Each group number a dependency level can take within one group set before (such as a
    /// rollout wave): a step's group becomes `group * levelsPerGroup + level`.
    public static let levelsPerGroup = 1000

    /// `steps` with each main-phase step in the group of its dependency level (0 for steps that
    /// wait for nothing, 1 for those that wait only for level 0, ...), so that a gate can check
    /// a level before the next starts (`--verify-each-level`).
    ///
    /// A group already set (a rollout wave) is kept as the major part: the new group is
    /// `group * levelsPerGroup + level`, so waves still run in order and levels in order within
    /// each wave. Final-phase steps (deletions) keep their group: they run after the main phase.
    public static func groupedByLevel(_ steps: [Step]) -> [Step] {
        var level = [Int?](repeating: nil, count: steps.count)
        for start in steps.indices where steps[start].phase == .main && level[start] == nil {
            // Depth-first without recursion: a step's level is one more than its deepest dependency's.
            var stack = [start]
            var onStack: Set<Int> = [start]
            while let i = stack.last {
                let deps = Set(steps[i].dependencies.filter { $0 != i && steps.indices.contains($0) })
                let pending = deps.filter { steps[$0].phase == .main && level[$0] == nil && !onStack.contains($0) }
                if pending.isEmpty {
                    level[i] = (deps.compactMap { level[$0] }.max() ?? -1) + 1
                    stack.removeLast()
                    onStack.remove(i)
                } else {
                    stack += pending.sorted()
                    onStack.formUnion(pending)
                }
            }
        }
        var out = steps
        for i in out.indices where out[i].phase == .main {
            out[i].group = out[i].group * levelsPerGroup + min(level[i] ?? 0, levelsPerGroup - 1)
        }
        return out
    }
}
