/// Hooks that watch a run as it goes: the CLI's live progress, metrics, tests. Called from the
/// executor's tasks, so implementations must be thread-safe. Every method has an empty default.
public protocol RunObserver: Sendable {
    /// A run (or a resumed run) starts applying `plan`.
    func runStarted(runID: String, plan: Plan, operation: String)
    /// A run ended, with its result.
    func runFinished(_ result: RunResult)
    /// A step's intent is durable and its provider call starts.
    func stepStarted(_ step: Step, compensation: Bool)
    /// A try failed and will be retried after `event.delay`.
    func stepRetrying(_ step: Step, event: RetryEvent)
    /// A step ended.
    func stepFinished(_ step: Step, outcome: StepOutcome, compensation: Bool)
}

extension RunObserver {
    public func runStarted(runID: String, plan: Plan, operation: String) {}
    public func runFinished(_ result: RunResult) {}
    public func stepStarted(_ step: Step, compensation: Bool) {}
    public func stepRetrying(_ step: Step, event: RetryEvent) {}
    public func stepFinished(_ step: Step, outcome: StepOutcome, compensation: Bool) {}
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
}
