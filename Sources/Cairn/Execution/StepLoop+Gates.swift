/// A gate's refusal: the group after which it halted the run, and its decision.
struct GateHalt: Sendable {
    var group: Int
    var decision: GateDecision
}

extension StepLoop {
    /// Asks the gate whether the run goes on after `group`; journals and reports the decision,
    /// then waits its pause on the run's clock. Without a gate, the run goes on.
    func decideGate(_ group: Int, state: inout StackState, journal: inout RunJournal) async throws -> GateDecision {
        guard let gate else { return .proceed }
        let finished = steps.filter { $0.group == group }
        var statuses: [Int: ExecutionMachine.Status] = [:]
        for step in finished { statuses[step.index] = machine.statuses[step.index] }
        let decision = try await gate.decide(
            FinishedGroup(group: group, steps: finished, statuses: statuses), state: state)
        Self.journal(decision, group: group, into: &journal)
        configuration.observer.gateDecided(group: group, decision: decision)
        if decision.pass && decision.pause > .zero {
            if let serial = try await journal.flush() { state.serial = serial }
            try await configuration.clock.sleep(for: decision.pause)
        }
        return decision
    }

    /// Writes a `gate` event: passed or halted, the reason and the decision's facts.
    static func journal(_ decision: GateDecision, group: Int, into journal: inout RunJournal) {
        var detail = decision.detail
        detail["group"] = .int(group)
        if let reason = decision.reason { detail["reason"] = .string(reason) }
        journal.event(.gate, status: decision.pass ? "passed" : "halted", detail: detail)
    }

    /// Carries out a `forget`: the record leaves state (durably, with an `ok` outcome), and
    /// the world is left as it is.
    mutating func forget(
        _ step: Step, record: RecordedResource?, state: inout StackState, journal: inout RunJournal,
        outcome: inout Outcome
    ) {
        var detail: [String: Value] = ["forgotten": true]
        if let record {
            detail["id"] = .string(record.id)
            let change = StateChange.remove(step.address)
            state.apply(change)
            journal.change(change)
        }
        journal.event(.outcome, step: step, status: "ok", detail: detail)
        machine.complete(step.index, succeeded: true)
        outcome.succeeded.append(step.index)
        configuration.observer.stepFinished(
            step, outcome: StepOutcome(status: .ok, attempts: 0, duration: .zero, id: record?.id), compensation: false)
    }
}
