/// One action of a run on one resource: the unit of retry, journaling and compensation.
public struct Step: Sendable, Hashable {
    /// When a step may start: the main phase creates and updates; the final phase deletes,
    /// and only starts once the main phase has fully succeeded.
    public enum Phase: Sendable, Hashable { case main, final }

    public var index: Int
    /// The address recorded in state for this step (`vm`, or `vm#deposed` for the old half of
    /// a replacement).
    public var address: String
    public var type: String
    /// `create`, `update`, `replace` (create the new half) or `delete`.
    public var action: Plan.Action
    public var phase: Phase
    /// Indices of the steps that must succeed first.
    public var dependencies: [Int]
    /// Desired properties, with references still to resolve (nil for deletes).
    public var desired: [String: Value]?
    /// The record this step starts from (updated, replaced or deleted); nil for creates.
    public var prior: RecordedResource?
    /// Addresses the resource depends on, recorded with it.
    public var resourceDependencies: [String]
    public var retry: RetryPolicy
    public var lifecycle: Resource.Lifecycle
    /// The step's group: a later group starts only once every main-phase step of the earlier
    /// ones finished and the run's gate let it pass (dependency levels, rollout waves).
    public var group: Int = 0
    /// The rollout wave (from 1) of a fleet member whose fleet rolls out in waves
    /// (``Plan/Change/wave``). A failure of such a step does not stop the run at once: the
    /// steps that depend on it are skipped, and the gate after its wave counts it against the
    /// rollout's `max_failures`.
    public var wave: Int?

    public init(
        index: Int, address: String, type: String, action: Plan.Action, phase: Phase, dependencies: [Int],
        desired: [String: Value]?, prior: RecordedResource?, resourceDependencies: [String], retry: RetryPolicy,
        lifecycle: Resource.Lifecycle
    ) {
        self.index = index
        self.address = address
        self.type = type
        self.action = action
        self.phase = phase
        self.dependencies = dependencies
        self.desired = desired
        self.prior = prior
        self.resourceDependencies = resourceDependencies
        self.retry = retry
        self.lifecycle = lifecycle
    }

    /// The suffix that marks the old half of a replacement in state until it is deleted.
    public static let deposedSuffix = "#deposed"

    /// The address as the spec names it (without the deposed suffix).
    public var resourceAddress: String {
        address.hasSuffix(Step.deposedSuffix) ? String(address.dropLast(Step.deposedSuffix.count)) : address
    }
}

extension Step {
    /// The steps of a plan: one per change, and a final-phase delete for the old half of each
    /// replacement. Deletes wait for the deletes of the records that depend on them.
    public static func steps(of plan: Plan) -> [Step] {
        var steps: [Step] = []
        var mainIndex: [String: Int] = [:]
        var finalRecords: [(index: Int, record: RecordedResource)] = []
        for change in plan.changes {
            switch change.action {
            case .noop:
                continue
            case .forget:
                guard let record = change.prior else { continue }
                var forget = deletion(of: record, index: steps.count, retry: change.retry)
                forget.action = .forget
                steps.append(forget)
            case .create, .update, .replace:
                mainIndex[change.address] = steps.count
                var step = Step(
                    index: steps.count, address: change.address, type: change.type, action: change.action,
                    phase: .main, dependencies: [], desired: change.desired, prior: change.prior,
                    resourceDependencies: change.dependencies, retry: change.retry, lifecycle: change.lifecycle)
                step.wave = change.wave
                step.group = change.wave ?? 0
                steps.append(step)
                if change.action == .replace, var old = change.prior {
                    if !old.address.hasSuffix(deposedSuffix) { old.address += deposedSuffix }
                    finalRecords.append((steps.count, old))
                    steps.append(deletion(of: old, index: steps.count, retry: change.retry))
                }
            case .delete:
                guard let record = change.prior else { continue }
                finalRecords.append((steps.count, record))
                steps.append(deletion(of: record, index: steps.count, retry: change.retry))
            }
        }
        for i in steps.indices where steps[i].phase == .main {
            steps[i].dependencies = steps[i].resourceDependencies.compactMap { mainIndex[$0] }
        }
        // A delete of X waits for the deletes of every record that depends on X.
        var deletesByDependency: [String: [Int]] = [:]
        for (index, record) in finalRecords {
            for d in Set(record.dependencies) { deletesByDependency[d, default: []].append(index) }
        }
        for (index, record) in finalRecords {
            let name = steps[index].resourceAddress
            steps[index].dependencies = (deletesByDependency[name] ?? []).filter { $0 != index }
            _ = record
        }
        normaliseGroups(&steps)
        return steps
    }

    private static func deletion(of record: RecordedResource, index: Int, retry: RetryPolicy) -> Step {
        Step(
            index: index, address: record.address, type: record.type, action: .delete, phase: .final,
            dependencies: [], desired: nil, prior: record, resourceDependencies: record.dependencies,
            retry: retry, lifecycle: record.lifecycle)
    }
}

extension Step {
    /// Raises each main-phase step's group to at least the groups of the steps it depends on,
    /// so that groups never decrease along a dependency (a step of an earlier group that waits
    /// for one of a later group would never start). Waves set the groups of fleet members
    /// (wave N is group N, everything else group 0); a step that depends on a member joins the
    /// member's wave.
    ///
    /// Another grouping (dependency levels) composes with waves as the pair (wave, level),
    /// ranked into consecutive group numbers; normalise again after changing groups.
    public static func normaliseGroups(_ steps: inout [Step]) {
        var changed = true
        var rounds = 0
        while changed && rounds <= steps.count {
            changed = false
            rounds += 1
            for i in steps.indices where steps[i].phase == .main {
                let floor = steps[i].dependencies.map { steps[$0].group }.max() ?? steps[i].group
                if floor > steps[i].group {
                    steps[i].group = floor
                    changed = true
                }
            }
        }
    }
}
