import Synchronization

/// The gate between rollout waves (``Plan/rollouts``): once a wave's members have finished, it
/// counts those that failed (or were skipped because a step they depend on failed) against
/// the rollout's `max_failures`; more halts the run before the next wave. Otherwise it asks the
/// caller's own gate, if any (verification), and asks the run to wait the rollout's `pause`
/// (``GateDecision/pause``, on the run's clock) before the next wave starts.
///
/// The executor builds one for every plan that has rollouts. A wave is judged after the last
/// group that holds one of its members, so waves compose with other groupings (dependency
/// levels: group `wave * Step.levelsPerGroup + level`). The last wave is judged when the run
/// ends (``finalDecision(statuses:)``): there is no next group to gate.
public final class WaveGate: StepGroupGate {
    /// One wave of one fleet, with its members' step indices and the groups they span.
    struct Wave {
        var fleet: String
        var number: Int
        var policy: RolloutPolicy
        var members: [Int]
        var firstGroup: Int
        var lastGroup: Int
        var count: Int
    }

    private struct Seen {
        var statuses: [Int: ExecutionMachine.Status] = [:]
        var judged: Set<Int> = []
    }

    let waves: [Wave]
    private let groups: [Int]
    private let inner: (any StepGroupGate)?
    private let seen = Mutex(Seen())

    /// A gate for `plan`'s rollouts over `steps` (as the executor runs them, groups set);
    /// `inner` is asked after each group whose waves stayed within their thresholds. Nil when
    /// the plan has no rollout with steps to run.
    public init?(plan: Plan, steps: [Step], inner: (any StepGroupGate)?) {
        var position: [String: (rollout: Int, wave: Int)] = [:]
        for (r, rollout) in (plan.rollouts ?? []).enumerated() {
            for (w, addresses) in rollout.waves.enumerated() {
                for address in addresses { position[address] = (r, w) }
            }
        }
        var members: [[Int: [Int]]] = Array(repeating: [:], count: plan.rollouts?.count ?? 0)
        for step in steps where step.phase == .main && step.wave != nil {
            guard let at = position[step.address] else { continue }
            members[at.rollout][at.wave, default: []].append(step.index)
        }
        var waves: [Wave] = []
        for (r, rollout) in (plan.rollouts ?? []).enumerated() {
            for (w, addresses) in rollout.waves.enumerated() {
                let indices = members[r][w] ?? []
                guard let first = indices.map({ steps[$0].group }).min(),
                    let last = indices.map({ steps[$0].group }).max()
                else { continue }
                waves.append(
                    Wave(
                        fleet: rollout.fleet, number: w + 1, policy: rollout.policy, members: indices,
                        firstGroup: first, lastGroup: last, count: addresses.count))
            }
        }
        guard !waves.isEmpty else { return nil }
        self.waves = waves
        groups = Set(steps.filter { $0.phase == .main }.map(\.group)).sorted()
        self.inner = inner
    }

    /// Whether the run goes on after `group` (see ``decide(_:state:)``; without the steps'
    /// outcomes no failure is counted).
    public func pass(group: Int, steps: [Step], state: StackState) async throws -> Bool {
        try await decide(FinishedGroup(group: group, steps: steps, statuses: [:]), state: state).pass
    }

    /// Judges the waves that `finished` completes; halts when one has more failures than its
    /// threshold allows, otherwise asks the inner gate, and sets the pause before the next wave.
    public func decide(_ finished: FinishedGroup, state: StackState) async throws -> GateDecision {
        let due = record(finished.statuses) { $0.lastGroup == finished.group }
        if let halt = Self.halting(due, final: false) { return halt }
        if let inner {
            let decision = try await inner.decide(finished, state: state)
            guard decision.pass else { return decision }
        }
        var decision = Self.passing(due)
        let next = groups.first { $0 > finished.group }
        let starting = waves.filter { $0.firstGroup == next && $0.number > 1 }
        let pause = starting.map(\.policy.pause).max() ?? .zero
        if pause > .zero {
            decision.detail["pause_ms"] = .int(Self.milliseconds(pause))
            let note = "pausing \(Self.text(pause)) before wave \(starting[0].number)"
            decision.reason = decision.reason.map { "\($0); \(note)" } ?? note
            decision.pause = pause
        }
        return decision
    }

    /// Judges the waves not judged yet, with every step's final status (`statuses[index]`):
    /// the last wave, which no later group gates. Nil when none is left.
    public func finalDecision(statuses: [ExecutionMachine.Status]) -> GateDecision? {
        var all: [Int: ExecutionMachine.Status] = [:]
        for wave in waves {
            for i in wave.members where statuses.indices.contains(i) { all[i] = statuses[i] }
        }
        let due = record(all) { _ in true }
        guard !due.isEmpty else { return nil }
        return Self.halting(due, final: true) ?? Self.passing(due)
    }

    /// The last group any wave's member is in.
    var lastGroup: Int { waves.map(\.lastGroup).max() ?? 0 }

    /// Records statuses; returns the waves matching `isDue` not judged before, each judged once,
    /// with their failure counts.
    private func record(
        _ statuses: [Int: ExecutionMachine.Status], isDue: (Wave) -> Bool
    ) -> [(wave: Wave, failed: Int)] {
        seen.withLock { seen in
            seen.statuses.merge(statuses) { _, new in new }
            var due: [(Wave, Int)] = []
            for (n, wave) in waves.enumerated() where isDue(wave) && !seen.judged.contains(n) {
                seen.judged.insert(n)
                let failed = wave.members.filter { seen.statuses[$0] == .failed || seen.statuses[$0] == .skipped }.count
                due.append((wave, failed))
            }
            return due
        }
    }

    private static func halting(_ due: [(wave: Wave, failed: Int)], final: Bool) -> GateDecision? {
        let breached = due.filter { $0.failed > $0.wave.policy.allowedFailures(inWaveOf: $0.wave.count) }
        guard !breached.isEmpty else { return nil }
        let reasons = breached.map { entry in
            let allowed = entry.wave.policy.allowedFailures(inWaveOf: entry.wave.count)
            return "wave \(entry.wave.number) of \(entry.wave.fleet): \(entry.failed) of \(entry.wave.count) members "
                + "failed, more than the \(allowed) its max_failures (\(entry.wave.policy.maxFailures)) allows"
        }
        let whole = breached.contains { $0.wave.policy.rollback == .run }
        let next = breached.map(\.wave.number).max()! + 1
        let after = final ? "; it was the last wave, so the run fails" : "; the run halts before wave \(next)"
        return GateDecision(
            pass: false, reason: reasons.joined(separator: "; ") + after,
            rollbackFromGroup: whole ? nil : breached.map(\.wave.firstGroup).min(),
            detail: ["waves": .list(due.map(detail)), "label": .string("wave \(breached[0].wave.number)")])
    }

    private static func passing(_ due: [(wave: Wave, failed: Int)]) -> GateDecision {
        guard !due.isEmpty else { return .proceed }
        let reasons = due.map { entry in
            "wave \(entry.wave.number) of \(entry.wave.fleet) passed: \(entry.failed) of \(entry.wave.count) members "
                + "failed (max_failures \(entry.wave.policy.maxFailures))"
        }
        return GateDecision(
            pass: true, reason: reasons.joined(separator: "; "), detail: ["waves": .list(due.map(detail))])
    }

    private static func detail(_ entry: (wave: Wave, failed: Int)) -> Value {
        [
            "fleet": .string(entry.wave.fleet), "wave": .int(entry.wave.number), "members": .int(entry.wave.count),
            "failed": .int(entry.failed),
            "allowed_failures": .int(entry.wave.policy.allowedFailures(inWaveOf: entry.wave.count)),
        ]
    }

    static func text(_ d: Duration) -> String {
        let ms = milliseconds(d)
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
    }

    static func milliseconds(_ d: Duration) -> Int {
        Int((d / .milliseconds(1)).rounded())
    }
}
