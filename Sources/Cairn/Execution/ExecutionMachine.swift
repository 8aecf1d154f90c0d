import HeapModule

/// The executor's decisions, without I/O: which steps may start, what a failure stops, when a
/// group of steps (a dependency level, a rollout wave) is complete and must pass its gate.
/// The executor feeds it completions and carries out what it returns.
public struct ExecutionMachine: Sendable {
    /// Where a step stands.
    public enum Status: Sendable, Hashable {
        case waiting, running, succeeded, failed
        /// Not run because a step it depends on failed (failure mode `continue`).
        case skipped
        /// Not run because the run stopped (failure modes `halt` and `rollback`, a gate, a signal).
        case notStarted
    }

    /// Limits and failure handling.
    public struct Configuration: Sendable {
        public var parallelism: Int
        /// At most this many running steps per resource type.
        public var typeLimits: [String: Int]
        public var failureMode: Stack.FailureMode

        public init(parallelism: Int = 10, typeLimits: [String: Int] = [:], failureMode: Stack.FailureMode = .rollback) {
            self.parallelism = max(1, parallelism)
            self.typeLimits = typeLimits
            self.failureMode = failureMode
        }
    }

    private let configuration: Configuration
    private let types: [String]
    private let phases: [Step.Phase]
    private let groups: [Int]
    /// Steps whose failure skips their dependents and leaves the decision to the gate after
    /// their group (fleet members rolling out in waves), whatever the failure mode.
    private let tolerant: [Bool]
    private let dependents: [[Int]]
    public private(set) var statuses: [Status]
    private var pending: [Int]
    private var ready: [String: Heap<Int>] = [:]
    /// Ready steps of a later group, or of the final phase, waiting for their turn.
    private var held: [Int] = []
    private var mainRemaining: Int
    /// Main-phase steps of each group not finished yet.
    private var groupRemaining: [Int: Int]
    /// The group whose steps may run now; later groups wait for it to pass its gate.
    public private(set) var currentGroup: Int
    private let lastGroup: Int
    private var running = 0
    private var runningByType: [String: Int] = [:]
    /// True once a failure stopped scheduling (or ``stop()`` was called).
    public private(set) var stopping = false
    private var anyFailure = false

    /// A machine over `steps`; those in `alreadySucceeded` (done by an earlier attempt of the
    /// same run) count as succeeded from the start.
    public init(steps: [Step], configuration: Configuration, alreadySucceeded: Set<Int> = []) {
        self.configuration = configuration
        types = steps.map(\.type)
        phases = steps.map(\.phase)
        groups = steps.map(\.group)
        tolerant = steps.map { $0.wave != nil && $0.phase == .main }
        var dependents = [[Int]](repeating: [], count: steps.count)
        var pending = [Int](repeating: 0, count: steps.count)
        for s in steps {
            for d in Set(s.dependencies) where d != s.index {
                dependents[d].append(s.index)
                if !alreadySucceeded.contains(d) { pending[s.index] += 1 }
            }
        }
        self.dependents = dependents
        self.pending = pending
        statuses = steps.map { alreadySucceeded.contains($0.index) ? .succeeded : .waiting }
        let open = steps.filter { $0.phase == .main && !alreadySucceeded.contains($0.index) }
        mainRemaining = open.count
        groupRemaining = Dictionary(grouping: open, by: \.group).mapValues(\.count)
        currentGroup = groupRemaining.keys.min() ?? 0
        lastGroup = groupRemaining.keys.max() ?? 0
        for s in steps where pending[s.index] == 0 && !alreadySucceeded.contains(s.index) { makeReady(s.index) }
    }

    private func mayRun(_ i: Int) -> Bool {
        phases[i] == .final ? mainRemaining == 0 : groups[i] <= currentGroup
    }

    private mutating func makeReady(_ i: Int) {
        if mayRun(i) { ready[types[i], default: Heap()].insert(i) } else { held.append(i) }
    }

    /// The steps to start now, in a stable order, within the parallelism and type limits.
    public mutating func nextLaunches() -> [Int] {
        guard !stopping, groupAwaitingGate == nil else { return [] }
        var out: [Int] = []
        while running < configuration.parallelism {
            var best: (type: String, index: Int)?
            for (type, heap) in ready {
                guard let head = heap.min else { continue }
                if let limit = configuration.typeLimits[type], runningByType[type, default: 0] >= limit { continue }
                if best == nil || head < best!.index { best = (type, head) }
            }
            guard let pick = best else { break }
            ready[pick.type]!.removeMin()
            statuses[pick.index] = .running
            running += 1
            runningByType[pick.type, default: 0] += 1
            out.append(pick.index)
        }
        return out
    }

    /// Records the end of a running step.
    public mutating func complete(_ i: Int, succeeded: Bool) {
        precondition(statuses[i] == .running, "step \(i) completed but was not running")
        running -= 1
        runningByType[types[i], default: 1] -= 1
        statuses[i] = succeeded ? .succeeded : .failed
        finishedMain(i)
        if succeeded {
            for d in dependents[i] {
                pending[d] -= 1
                if pending[d] == 0 && statuses[d] == .waiting { makeReady(d) }
            }
        } else {
            anyFailure = true
            switch configuration.failureMode {
            case _ where tolerant[i]: skipDependents(of: i)
            case .halt, .rollback: stop()
            case .continue: skipDependents(of: i)
            }
        }
        releaseHeld()
    }

    private mutating func finishedMain(_ i: Int) {
        guard phases[i] == .main else { return }
        mainRemaining -= 1
        groupRemaining[groups[i], default: 1] -= 1
    }

    /// The group whose steps have all finished and whose gate must be passed before the next
    /// group starts (nil when no gate is due: the group is still running, or it was the last).
    public var groupAwaitingGate: Int? {
        guard !stopping, currentGroup < lastGroup, groupRemaining[currentGroup, default: 0] == 0, running == 0 else {
            return nil
        }
        return currentGroup
    }

    /// Lets the next group start, after the current one passed its gate.
    public mutating func passGate() {
        guard let group = groupAwaitingGate else { return }
        currentGroup = groupRemaining.keys.filter { $0 > group }.min() ?? lastGroup
        releaseHeld()
    }

    private mutating func releaseHeld() {
        if mainRemaining == 0 && anyFailure {
            // Deletions run last, and only after everything else succeeded.
            for h in held where phases[h] == .final { statuses[h] = .notStarted }
            held.removeAll { phases[$0] == .final }
        }
        let now = held.filter(mayRun)
        guard !now.isEmpty else { return }
        held.removeAll(where: mayRun)
        for h in now { ready[types[h], default: Heap()].insert(h) }
    }

    /// Starts nothing more; running steps are left to finish.
    public mutating func stop() {
        stopping = true
    }

    private mutating func skipDependents(of i: Int) {
        var stack = dependents[i]
        while let d = stack.popLast() {
            guard statuses[d] == .waiting else { continue }
            statuses[d] = .skipped
            finishedMain(d)
            stack += dependents[d]
        }
    }

    /// True when nothing runs and nothing more will start.
    public var isFinished: Bool {
        running == 0 && (stopping || (ready.values.allSatisfy(\.isEmpty) && groupAwaitingGate == nil))
    }

    /// Marks every step that never ran as not started; call once the run is over.
    public mutating func finish() {
        for i in statuses.indices where statuses[i] == .waiting { statuses[i] = .notStarted }
    }

    /// How many steps are running now.
    public var runningCount: Int { running }
}
