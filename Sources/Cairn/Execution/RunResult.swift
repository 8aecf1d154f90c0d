/// What a run did, as `apply`, `destroy`, `resume` and `rollback` report it.
public struct RunResult: Sendable {
    public var runID: String
    public var status: RunRecord.Status
    /// Successful steps per action.
    public var summary: Plan.Summary
    /// Failed tries that were retried, over all steps.
    public var retries: Int
    /// Steps undone by compensation.
    public var compensated: Int
    public var duration: Duration
    /// Steps that failed, with why.
    public var failures: [Failure]
    /// Addresses skipped or not started because of a failure.
    public var notRun: [String]
    /// What still exists after a rollback that could not finish: address, id and why.
    public var remaining: [Failure]
    /// The state serial after the run.
    public var serial: Int64
    /// What the verify phase found (nil when it did not run: turned off, or the run failed).
    public var verify: VerifyReport? = nil
    /// How each rollout wave went, in order (empty when no fleet rolled out in waves).
    public var waves: [WaveReport] = []

    /// A step that failed, or a resource a rollback could not remove.
    public struct Failure: Sendable, Hashable {
        public var address: String
        public var id: String?
        public var errorClass: String
        public var message: String
    }
}
