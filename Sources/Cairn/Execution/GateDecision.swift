/// A group of steps that just finished, as a ``StepGroupGate`` sees it.
public struct FinishedGroup: Sendable {
    /// The group's number (``Step/group``).
    public var group: Int
    /// The group's steps.
    public var steps: [Step]
    /// How each of them ended, by ``Step/index``: `succeeded`, `failed`, or `skipped`
    /// (a step it depends on failed).
    public var statuses: [Int: ExecutionMachine.Status]
    /// Whether a later group follows (false after the last one).
    public var isLast: Bool

    /// A finished group.
    public init(group: Int, steps: [Step], statuses: [Int: ExecutionMachine.Status], isLast: Bool = false) {
        self.group = group
        self.steps = steps
        self.statuses = statuses
        self.isLast = isLast
    }

    /// The steps that did not succeed (failed or skipped).
    public var unsuccessful: [Step] {
        steps.filter { statuses[$0.index].map { $0 != .succeeded } ?? false }
    }
}

/// What a gate decided after a group of steps, and why: the run goes on, or halts there.
public struct GateDecision: Sendable, Hashable {
    /// True: the next group may start.
    public var pass: Bool
    /// Why, in words a user reads in the run's report ("wave 2 of web: 3 of 5 members failed,
    /// more than max_failures 1 allows").
    public var reason: String?
    /// When the run halts and its failure mode is `rollback`: compensate only the completed
    /// steps of this group and later ones (a rollout's `rollback: wave`); nil compensates the
    /// whole run.
    public var rollbackFromGroup: Int?
    /// Facts for the journal's `gate` event (sizes, failure counts, the pause).
    public var detail: [String: Value]
    /// How long the run waits, on its clock, before the next group starts (a rollout's
    /// `pause`); the decision is journaled and reported before the wait.
    public var pause: Duration

    /// A decision; `pass` false halts the run.
    public init(
        pass: Bool, reason: String? = nil, rollbackFromGroup: Int? = nil, detail: [String: Value] = [:],
        pause: Duration = .zero
    ) {
        self.pass = pass
        self.reason = reason
        self.rollbackFromGroup = rollbackFromGroup
        self.detail = detail
        self.pause = pause
    }

    /// The run goes on.
    public static let proceed = GateDecision(pass: true)
}
