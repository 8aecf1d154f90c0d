import Cairn

extension PlanView {
    /// What follows a change's address: its wave, or that it is forgotten rather than deleted.
    func rolloutNote(_ change: Plan.Change) -> String {
        if change.action == .forget { return terminal.yellow("  forget: stays in the world, leaves Cairn's state") }
        return change.wave.map { terminal.cyan("  wave \($0)") } ?? ""
    }

    /// One line per fleet that rolls out in waves: sizes, threshold, pause, verification.
    func rolloutLines(_ plan: Plan) -> [String] {
        (plan.rollouts ?? []).map { rollout in
            let policy = rollout.policy
            let sizes = rollout.waves.map { "\($0.count)" }.joined(separator: ", ")
            var parts = [
                "\(rollout.waves.count) wave\(rollout.waves.count == 1 ? "" : "s") of \(sizes) member(s)",
                "at most \(policy.maxFailures) failure(s) per wave",
            ]
            if policy.pause > .zero { parts.append("\(RolloutText.duration(policy.pause)) pause between waves") }
            if policy.verify { parts.append("each wave verified") }
            parts.append(
                "a breach \(policy.rollback == .wave ? "undoes that wave" : "undoes the whole run") under rollback")
            return terminal.bold("Rollout of \(rollout.fleet): ") + parts.joined(separator: "; ") + "."
        }
    }
}

extension JSONView {
    /// The plan's JSON with what rollouts and flags add (each change's `cause` and `wave`, and
    /// the plan's `rollouts`); additive to the contract.
    static func withRollouts(_ plan: Plan, _ json: Value) -> Value {
        guard var top = json.mapValue, var changes = top["changes"]?.listValue else { return json }
        let shown = plan.changes.filter { $0.action != .noop }
        for (i, change) in shown.enumerated() where i < changes.count {
            guard var entry = changes[i].mapValue else { continue }
            if let cause = change.cause { entry["cause"] = .string(cause) }
            if let wave = change.wave { entry["wave"] = .int(wave) }
            changes[i] = .map(entry)
        }
        top["changes"] = .list(changes)
        if let rollouts = plan.rollouts, !rollouts.isEmpty {
            top["rollouts"] = .list(
                rollouts.map { r in
                    [
                        "fleet": .string(r.fleet), "waves": .list(r.waves.map { .list($0.map(Value.string)) }),
                        "max_failures": .string(r.policy.maxFailures.description),
                        "pause_ms": .int(Int((r.policy.pause / .milliseconds(1)).rounded())),
                        "verify": .bool(r.policy.verify), "rollback": .string(r.policy.rollback.rawValue),
                    ]
                })
        }
        return .map(top)
    }

    /// One wave of a run's result.
    static func wave(_ w: WaveReport) -> Value {
        [
            "fleet": .string(w.fleet), "wave": .int(w.wave), "members": .int(w.members), "succeeded": .int(w.succeeded),
            "failed": .int(w.failed), "not_run": .int(w.notRun), "allowed_failures": .int(w.allowedFailures),
            "status": .string(w.status.rawValue),
        ]
    }
}

/// Durations as people write them in a spec: `30s`, `1m30s`, `200ms`.
enum RolloutText {
    static func duration(_ d: Duration) -> String {
        let ms = Int((d / .milliseconds(1)).rounded())
        if ms % 1000 != 0 { return "\(ms)ms" }
        let s = ms / 1000
        if s < 60 { return "\(s)s" }
        return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m\(s % 60)s"
    }
}
