/// A phase of a run, as observers see it: the resolution of the steps a crash left in doubt
/// (on resume and rollback), the forward pass over the plan's steps, and the compensation that
/// undoes a failed run's completed steps.
public enum RunPhase: String, Sendable, Hashable, CaseIterable {
    /// Asking providers what became of the steps in doubt, before anything repeats.
    case resolution
    /// The plan's steps, in dependency order.
    case forward
    /// The steps that undo what a failed run completed, in reverse dependency order.
    case compensation
}
