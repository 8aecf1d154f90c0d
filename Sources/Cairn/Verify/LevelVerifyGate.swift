import Synchronization

/// The gate of `--verify-each-level`: once every step of a dependency level has finished, the
/// resources it created or updated are verified before the next level starts; a mismatch
/// stops the run there (and the executor rolls it back under `rollback`). A gate the caller
/// already had (rollout waves) is asked after a clean verification.
final class LevelVerifyGate: StepGroupGate {
    private let engine: Engine
    private let stack: String
    private let options: VerifyOptions
    private let next: (any StepGroupGate)?
    private let findings = Mutex(VerifyReport())

    init(engine: Engine, stack: String, options: VerifyOptions, next: (any StepGroupGate)?) {
        self.engine = engine
        self.stack = stack
        self.options = options
        self.next = next
    }

    /// What the levels verified so far found.
    var report: VerifyReport { findings.withLock { $0 } }

    func pass(group: Int, steps: [Step], state: StackState) async throws -> Bool {
        try await decide(FinishedGroup(group: group, steps: steps, statuses: [:]), state: state).pass
    }

    func decide(_ finished: FinishedGroup, state: StackState) async throws -> GateDecision {
        let targets = finished.steps.filter { $0.phase == .main && finished.statuses[$0.index] != .failed }.compactMap {
            step in state.resources[step.address].map { VerifyTarget(record: $0, expectation: .present) }
        }
        var level = try await engine.verify(targets, stack: stack, options: options)
        if !level.isClean { level.stoppedAtGroup = finished.group }
        findings.withLock { $0.merge(level) }
        guard level.isClean else {
            let names = level.mismatched.map(\.address)
            return GateDecision(
                pass: false,
                reason: "verify after dependency level \(finished.group % Step.levelsPerGroup): "
                    + "\(names.joined(separator: ", ")) \(names.count == 1 ? "does" : "do") not match what was applied",
                detail: ["checked": .int(level.checked), "mismatched": .int(names.count)])
        }
        return try await next?.decide(finished, state: state) ?? .proceed
    }
}
