/// Hooks that watch a run as it goes: the CLI's live progress, metrics, tests. Called from the
/// executor's tasks, so implementations must be thread-safe. Every method has an empty default.
public protocol RunObserver: Sendable {
    /// A run (or a resumed run) starts applying `plan`.
    func runStarted(runID: String, plan: Plan, operation: String)
    /// A run ended, with its result.
    func runFinished(_ result: RunResult)
    /// A run stopped without a final status because `error` was thrown (its journal could not
    /// be written, or an in-doubt step could not be resolved); it stays unfinished in the
    /// journal, for `resume` or `rollback`. Either this or ``runFinished(_:)`` ends a run.
    func runAborted(runID: String, error: any Error)
    /// The executor asks the provider what became of `step`, left in doubt by a crash.
    func stepResolving(_ step: Step)
    /// The provider answered: `applied` is true when the step had taken effect (it is recorded
    /// as done), false when it had not (it runs again).
    func stepResolved(_ step: Step, applied: Bool)
    /// A step's intent is durable and its provider call starts.
    func stepStarted(_ step: Step, compensation: Bool)
    /// A try failed and will be retried after `event.delay`.
    func stepRetrying(_ step: Step, event: RetryEvent, compensation: Bool)
    /// A step ended. (A provider call cut short because its run aborts gets no `stepFinished`:
    /// it is in doubt, and ``runAborted(runID:error:)`` follows.)
    func stepFinished(_ step: Step, outcome: StepOutcome, compensation: Bool)
    /// A gate decided after a group of steps (a rollout wave, a verified level).
    func gateDecided(group: Int, decision: GateDecision)
    /// A phase of the run starts: the forward pass, or the compensation of a failed run.
    func phaseStarted(_ phase: RunPhase, runID: String, steps: Int)
    /// A phase of the run ended.
    func phaseFinished(_ phase: RunPhase, runID: String)
    /// One try (`attempt`, 1-based) of a step's provider call starts.
    func attemptStarted(_ step: Step, attempt: Int, compensation: Bool)
    /// One try ended: `error` is nil when it succeeded.
    func attemptFinished(_ step: Step, attempt: Int, error: ProviderError?, compensation: Bool)
    /// A drift check read `checked` resources and found the listed ones drifted (one entry,
    /// the resource's type, per drifted resource).
    func driftChecked(checked: Int, driftedTypes: [String])
}

extension RunObserver {
    public func runStarted(runID: String, plan: Plan, operation: String) {}
    public func runFinished(_ result: RunResult) {}
    public func runAborted(runID: String, error: any Error) {}
    public func stepResolving(_ step: Step) {}
    public func stepResolved(_ step: Step, applied: Bool) {}
    public func stepStarted(_ step: Step, compensation: Bool) {}
    public func stepRetrying(_ step: Step, event: RetryEvent, compensation: Bool) {}
    public func stepFinished(_ step: Step, outcome: StepOutcome, compensation: Bool) {}
    public func gateDecided(group: Int, decision: GateDecision) {}
    public func phaseStarted(_ phase: RunPhase, runID: String, steps: Int) {}
    public func phaseFinished(_ phase: RunPhase, runID: String) {}
    public func attemptStarted(_ step: Step, attempt: Int, compensation: Bool) {}
    public func attemptFinished(_ step: Step, attempt: Int, error: ProviderError?, compensation: Bool) {}
    public func driftChecked(checked: Int, driftedTypes: [String]) {}
}

/// An observer that does nothing.
public struct NoRunObserver: RunObserver {
    public init() {}
}

/// How one step ended.
public struct StepOutcome: Sendable {
    public enum Status: String, Sendable, Codable { case ok, failed, skipped, unchanged }
    public var status: Status
    /// Tries made (0 when no provider call was needed).
    public var attempts: Int
    public var duration: Duration
    public var error: RetryFailure?
    /// The id of the resource the step made or changed.
    public var id: String?

    /// An outcome (public so that observers can be tested without running an executor).
    public init(status: Status, attempts: Int, duration: Duration, error: RetryFailure? = nil, id: String? = nil) {
        self.status = status
        self.attempts = attempts
        self.duration = duration
        self.error = error
        self.id = id
    }
}
