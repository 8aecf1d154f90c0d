/// Settings of one reconcile pass.
public struct ReconcileOptions: Sendable {
    /// How drift is read.
    public var drift: DriftOptions
    /// How the corrections are applied. Each pass gets a fresh retry budget.
    public var executor: Executor.Options
    /// How the corrections are verified (the stack's `ignore_drift` is added).
    public var verify: VerifyOptions
    /// Asked when the corrections delete or replace existing resources (orphans included);
    /// false leaves the world as it is. The default refuses, as `apply` without
    /// `--auto-approve` does where no one can answer.
    public var approve: @Sendable (Plan) async -> Bool
    /// Told the drift and the plan of corrections before anything is asked or applied (a
    /// view shows them); not called when the world is in sync.
    public var onPlan: @Sendable (DriftReport, Plan) async -> Void

    /// Options that read 16 at a time, apply and verify with the defaults, and refuse deletions.
    public init(
        drift: DriftOptions = DriftOptions(), executor: Executor.Options = Executor.Options(),
        verify: VerifyOptions = VerifyOptions(), approve: @escaping @Sendable (Plan) async -> Bool = { _ in false },
        onPlan: @escaping @Sendable (DriftReport, Plan) async -> Void = { _, _ in }
    ) {
        self.drift = drift
        self.executor = executor
        self.verify = verify
        self.approve = approve
        self.onPlan = onPlan
    }
}

/// What one reconcile pass did: the drift it found, the plan of corrections, and the run that
/// applied them.
public struct ReconcileResult: Sendable {
    /// The drift before any correction.
    public var drift: DriftReport
    /// The corrections; nil when the world was in sync.
    public var plan: Plan?
    /// The run that applied them; nil when there was nothing to do or it was not approved.
    public var run: RunResult?
    /// True when the corrections needed approval and did not get it.
    public var declined: Bool

    /// True when the world matches the spec after the pass: it was in sync, or the corrections
    /// were applied and verified.
    public var converged: Bool {
        guard drift.hasDrift else { return true }
        guard let run else { return plan.map { !$0.hasChanges } ?? false }
        return run.status == .succeeded && (run.verify?.isClean ?? true)
    }
}

extension Engine {
    /// One reconcile pass: reads the drift, plans the corrections (the refreshed plan, plus the
    /// deletion of orphans), asks `options.approve` when they delete or replace anything, then
    /// applies them as one journaled run under the stack's lease and verifies it.
    ///
    /// Throws what ``drift(_:options:)``, ``plan(_:refresh:)`` and ``apply(_:options:verify:operation:)``
    /// throw (``LeaseConflict`` while another run holds the stack, ``UnfinishedRun`` when a run
    /// must be resumed first).
    public func reconcile(_ stack: Stack, options: ReconcileOptions = ReconcileOptions()) async throws
        -> ReconcileResult
    {
        let drift = try await self.drift(stack, options: options.drift)
        var result = ReconcileResult(drift: drift, plan: nil, run: nil, declined: false)
        guard drift.hasDrift else { return result }
        let plan = try await correctionPlan(stack, drift: drift)
        result.plan = plan
        guard plan.hasChanges else { return result }
        await options.onPlan(drift, plan)
        if !plan.destructiveChanges.isEmpty, !(await options.approve(plan)) {
            result.declined = true
            return result
        }
        var executor = options.executor
        executor.budget = RetryBudget(executor.budget.configuration)
        result.run = try await apply(
            plan, options: executor, verify: options.verify.scoped(to: stack), operation: "reconcile")
        return result
    }

    /// The plan that corrects `drift`: the refreshed plan of `stack` (which recreates what the
    /// world lost and resets what was changed), with a deletion for each orphan, dependents
    /// first. An orphan's change is addressed `address#orphan-ID`, so it never touches the
    /// record of the declared resource of the same address.
    public func correctionPlan(_ stack: Stack, drift: DriftReport) async throws -> Plan {
        var plan = try await self.plan(stack, refresh: true)
        let addressByID = Dictionary(
            drift.orphans.map { ($0.id, "\($0.address)#orphan-\($0.id)") }, uniquingKeysWith: { first, _ in first })
        let records = drift.orphans.map { orphan in
            RecordedResource(
                address: addressByID[orphan.id]!, type: orphan.type, id: orphan.id, properties: orphan.properties,
                outputs: [:], dependencies: orphan.references.compactMap { addressByID[$0] })
        }
        for record in Planner.deletionOrder(records) {
            var change = Planner.deletion(of: record, retry: stack.defaults.retry)
            change.changedOutside = true
            let schema = configuration.registry.schema(for: record.type)
            for f in change.fields.indices {
                change.fields[f].sensitive =
                    schema?.property(ValueDiff.topLevel(change.fields[f].path))?.sensitive ?? false
                change.fields[f].changedOutside = true
            }
            plan.changes.append(change)
        }
        return plan
    }
}
