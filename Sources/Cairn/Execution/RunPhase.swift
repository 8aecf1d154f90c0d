/// A phase of a run, as observers see it: the forward pass over the plan's steps, or the
/// compensation that undoes a failed run's completed steps.
public enum RunPhase: String, Sendable, Hashable, CaseIterable {
    /// The plan's steps, in dependency order.
    case forward
    /// The steps that undo what a failed run completed, in reverse dependency order.
    case compensation
}
