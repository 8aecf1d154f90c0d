/// The steps that undo completed steps of a failed run, derived per action: a create is undone
/// by a delete, an update by restoring the prior properties, the new half of a replacement by
/// deleting it (its old half, kept until the final phase, is then recorded again). Deletes
/// cannot be undone; they run last so that a rollback seldom meets one.
public enum Compensation {
    /// Compensation steps for `completed`, each waiting for the compensations of the steps that
    /// depended on it (reverse dependency order). Steps whose resource opts out
    /// (`lifecycle.compensate: false`) are left alone.
    public static func steps(undoing completed: [Step], state: StackState) -> [Step] {
        var out: [Step] = []
        var byAddress: [String: Int] = [:]
        for s in completed where s.lifecycle.compensate {
            guard let current = state.resources[s.address] else { continue }
            var undo = Step(
                index: out.count, address: s.address, type: s.type, action: .delete, phase: .main,
                dependencies: [], desired: nil, prior: current, resourceDependencies: s.resourceDependencies,
                retry: s.retry, lifecycle: s.lifecycle)
            switch s.action {
            case .create, .replace:
                break
            case .update:
                guard let before = s.prior else { continue }
                undo.action = .update
                undo.desired = before.properties
            case .delete, .noop, .forget:
                continue
            }
            byAddress[s.address] = out.count
            out.append(undo)
        }
        // Undo X only after undoing everything that depended on X.
        for s in out {
            for d in s.resourceDependencies {
                if let target = byAddress[d] { out[target].dependencies.append(s.index) }
            }
        }
        return out
    }
}
