extension Executor {
    /// Judges the waves no later group gated (the last one), once the forward pass is over;
    /// journals and reports the decision. Returns it when it halts the run.
    func finalWaveHalt(_ gate: WaveGate?, forward: StepLoop.Outcome, journal: inout RunJournal) -> GateHalt? {
        guard let gate, !forward.stopped, let decision = gate.finalDecision(statuses: forward.statuses) else {
            return nil
        }
        StepLoop.journal(decision, group: gate.lastGroup, into: &journal)
        configuration.observer.gateDecided(group: gate.lastGroup, decision: decision)
        return decision.pass ? nil : GateHalt(group: gate.lastGroup, decision: decision)
    }

    /// The failure a gate's halt adds to the run's result.
    static func gateFailure(_ halt: GateHalt) -> RunResult.Failure {
        RunResult.Failure(
            address: halt.decision.detail["label"]?.stringValue ?? "group \(halt.group)", id: nil, errorClass: "gate",
            message: halt.decision.reason ?? "the gate after group \(halt.group) stopped the run")
    }

    /// True when every failure is a fleet member's in a rollout wave (judged by the wave gate).
    static func onlyTolerated(_ failures: [RunResult.Failure], steps: [Step]) -> Bool {
        let members = Set(steps.filter { $0.wave != nil }.map(\.address))
        return !failures.isEmpty && failures.allSatisfy { members.contains($0.address) }
    }

    /// How each wave of `plan`'s rollouts went, from the steps' final statuses.
    static func waveReports(
        plan: Plan, steps: [Step], statuses: [ExecutionMachine.Status], halt: GateHalt?
    ) -> [WaveReport] {
        guard let rollouts = plan.rollouts, !rollouts.isEmpty else { return [] }
        var byAddress: [String: Int] = [:]
        for step in steps where step.phase == .main && step.wave != nil { byAddress[step.address] = step.index }
        let breached = Set(
            (halt?.decision.detail["waves"]?.listValue ?? []).compactMap { entry -> String? in
                guard let map = entry.mapValue, let fleet = map["fleet"]?.stringValue, let wave = map["wave"]?.intValue,
                    let failed = map["failed"]?.intValue, let allowed = map["allowed_failures"]?.intValue,
                    failed > allowed
                else { return nil }
                return "\(fleet) \(wave)"
            })
        var out: [WaveReport] = []
        for rollout in rollouts {
            for (n, addresses) in rollout.waves.enumerated() {
                var counts = (succeeded: 0, failed: 0, notRun: 0)
                for address in addresses {
                    // A member without a step (already done by an earlier attempt of the run) succeeded.
                    let status = byAddress[address].flatMap { statuses.indices.contains($0) ? statuses[$0] : nil }
                    switch status ?? .succeeded {
                    case .succeeded: counts.succeeded += 1
                    case .failed, .skipped: counts.failed += 1
                    case .waiting, .running, .notStarted: counts.notRun += 1
                    }
                }
                let status: WaveReport.Status =
                    if breached.contains("\(rollout.fleet) \(n + 1)") {
                        .failed
                    } else if counts.notRun == addresses.count {
                        .notStarted
                    } else if counts.notRun > 0 {
                        .incomplete
                    } else {
                        .passed
                    }
                out.append(
                    WaveReport(
                        fleet: rollout.fleet, wave: n + 1, members: addresses.count, succeeded: counts.succeeded,
                        failed: counts.failed, notRun: counts.notRun,
                        allowedFailures: rollout.policy.allowedFailures(inWaveOf: addresses.count), status: status))
            }
        }
        return out
    }
}
