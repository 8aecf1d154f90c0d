/// Settings of the verify phase after an apply.
public struct VerifyOptions: Sendable {
    /// Whether to verify at all (`--no-verify` turns it off).
    public var enabled: Bool
    /// Verify each dependency level before the next starts (`--verify-each-level`): a mismatch
    /// stops the run, which then fails (and is rolled back under `rollback`).
    public var eachLevel: Bool
    /// How many times a mismatch is read again before it counts: read-after-write lag is
    /// waited out, not reported.
    public var rereads: Int
    /// The wait before the first re-read; it doubles for each further one.
    public var initialDelay: Duration
    /// How many reads run at once.
    public var parallelism: Int
    /// How each read is retried on transient errors.
    public var retry: RetryPolicy
    /// Property paths whose differences are shown but do not count, by address (the spec's
    /// `ignore_drift`).
    public var ignore: [String: [String]]
    /// Top-level properties never to show, by address (those set from sensitive variables).
    public var sensitive: [String: Set<String>] = [:]

    /// Verify on, each level off, 5 re-reads from 100 ms doubling (3.1 s at most), 16 reads at once.
    public init(
        enabled: Bool = true, eachLevel: Bool = false, rereads: Int = 5, initialDelay: Duration = .milliseconds(100),
        parallelism: Int = 16, retry: RetryPolicy = .default, ignore: [String: [String]] = [:]
    ) {
        self.enabled = enabled
        self.eachLevel = eachLevel
        self.rereads = rereads
        self.initialDelay = initialDelay
        self.parallelism = parallelism
        self.retry = retry
        self.ignore = ignore
    }

    /// No verify phase.
    public static let off = VerifyOptions(enabled: false)

    /// These options with what `stack` says of its resources: their `ignore_drift` paths, and
    /// the properties set from sensitive variables (never shown in a report).
    public func scoped(to stack: Stack) -> VerifyOptions {
        var options = self
        for resource in stack.resources {
            if !resource.ignoreDrift.isEmpty { options.ignore[resource.address, default: []] += resource.ignoreDrift }
            if !resource.sensitiveProperties.isEmpty {
                options.sensitive[resource.address, default: []].formUnion(resource.sensitiveProperties)
            }
        }
        return options
    }
}

extension Engine {
    /// Applies a plan (as ``apply(_:options:operation:)``), then verifies what the run touched:
    /// each resource it created or updated is read again and compared with what was applied,
    /// each it deleted is checked gone. The findings are the result's ``RunResult/verify``.
    ///
    /// Verification runs when the run succeeded. With ``VerifyOptions/eachLevel``, each
    /// dependency level is verified before the next starts; a mismatch stops the run there.
    public func apply(
        _ plan: Plan, options: Executor.Options = Executor.Options(), verify: VerifyOptions, operation: String? = nil
    ) async throws -> RunResult {
        guard verify.enabled else { return try await apply(plan, options: options, operation: operation) }
        var options = options
        var gate: LevelVerifyGate?
        if verify.eachLevel || plan.verifiesWaves {  // a rollout's `verify: true` gates each wave
            let levels = LevelVerifyGate(engine: self, stack: plan.stack, options: verify, next: options.gate)
            options.groupByLevel = true
            options.gate = levels
            gate = levels
        }
        var result = try await apply(plan, options: options, operation: operation)
        let levels = gate?.report ?? VerifyReport()
        if result.status == .succeeded {
            // The final pass checks everything again (levels verified early may have moved since).
            var report = try await self.verify(plan, options: verify)
            report.rereads += levels.rereads
            result.verify = report
        } else if levels.stoppedAtGroup != nil {
            result.verify = levels
        }
        return result
    }

    /// Verifies the world after a run of `plan`: what the state now records for the plan's
    /// addresses is read and compared; what the plan deleted or replaced is checked gone.
    public func verify(_ plan: Plan, options: VerifyOptions = VerifyOptions()) async throws -> VerifyReport {
        let state = try await configuration.store.state(stack: plan.stack)
        let ids = Set(state.resources.values.map(\.id))
        var targets: [VerifyTarget] = []
        var options = options
        for change in plan.changes {
            // What the plan showed as sensitive stays hidden, whatever the caller passed.
            for field in change.fields where field.sensitive {
                options.sensitive[change.address, default: []].insert(ValueDiff.topLevel(field.path))
            }
        }
        for change in plan.changes where change.action != .noop {
            if change.action != .delete, let record = state.resources[change.address], record.type == change.type {
                targets.append(VerifyTarget(record: record, expectation: .present))
            }
            if change.action == .delete || change.action == .replace, let prior = change.prior, !ids.contains(prior.id)
            {
                targets.append(VerifyTarget(record: prior, expectation: .absent))
            }
        }
        return try await verify(targets, stack: plan.stack, options: options)
    }

    /// Verifies `targets`, `options.parallelism` at a time. A mismatch is read again after
    /// `initialDelay`, doubling, up to `rereads` times (on the injected clock) before it counts.
    public func verify(_ targets: [VerifyTarget], stack: String, options: VerifyOptions) async throws -> VerifyReport {
        let outcomes = try await BoundedReads.run(
            targets, parallelism: options.parallelism, typeLimits: typeLimits, type: \.record.type
        ) { [self] target in
            try await verifyOne(target, stack: stack, options: options)
        }
        return VerifyReport(
            checked: targets.count, entries: outcomes.compactMap(\.entry),
            rereads: outcomes.reduce(0) { $0 + $1.rereads })
    }

    private func verifyOne(_ target: VerifyTarget, stack: String, options: VerifyOptions) async throws -> (
        entry: DriftReport.Entry?, rereads: Int
    ) {
        let verifier = Verifier(registry: configuration.registry)
        let record = target.record
        var delay = options.initialDelay
        var attempt = 0
        while true {
            let snapshot = try await readResource(record, stack: stack, policy: options.retry, purpose: "verify it")
            let entry: DriftReport.Entry?
            switch (target.expectation, snapshot) {
            case (.present, nil):
                entry = DriftReport.Entry(address: record.address, type: record.type, id: record.id, missing: true)
            case (.present, let snapshot?):
                let fields = verifier.differences(
                    type: record.type, expected: record.properties, actual: snapshot.properties,
                    ignore: options.ignore[record.address] ?? [], sensitive: options.sensitive[record.address] ?? [])
                entry =
                    fields.isEmpty
                    ? nil : DriftReport.Entry(address: record.address, type: record.type, id: record.id, fields: fields)
            case (.absent, nil):
                entry = nil
            case (.absent, _?):
                entry = DriftReport.Entry(address: record.address, type: record.type, id: record.id, stillPresent: true)
            }
            guard let entry, entry.isDrifted, attempt < options.rereads else { return (entry, attempt) }
            try await configuration.clock.sleep(for: delay)
            delay *= 2
            attempt += 1
        }
    }
}
