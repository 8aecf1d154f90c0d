extension Plan.Change {
    /// How a rollback would undo this change, derived from its action: compensation is data
    /// in the plan, not code in a `catch` block.
    public enum Compensation: String, Sendable, Codable {
        /// A create is undone by deleting what it made.
        case delete
        /// An update is undone by restoring the prior properties (journaled with its intent).
        case restore
        /// A replacement is undone by deleting the new resource and keeping the old one, which is
        /// only deleted in the last phase.
        case deleteNewKeepOld = "delete_new_keep_old"
        /// A delete cannot be undone. Deletes run last, so a rollback seldom meets one.
        case cannotUndo = "cannot_undo"
        /// Nothing to undo, or the resource opted out (`lifecycle.compensate: false`).
        case none
    }

    /// How a rollback would undo this change.
    public var compensation: Compensation {
        guard lifecycle.compensate else { return .none }
        switch action {
        case .create: return .delete
        case .update: return .restore
        case .replace: return .deleteNewKeepOld
        case .delete: return .cannotUndo
        case .noop, .forget: return .none
        }
    }
}
