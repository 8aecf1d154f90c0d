import Foundation

/// Where a stack's journal, state, runs and lease live. One commit is one durable transaction.
///
/// Implementations: `SQLiteStore` (the embedded default) and ``InMemoryStore`` (tests). The
/// conformance suite in CairnTesting runs against each.
public protocol StateStore: Sendable {
    /// The recorded state of a stack (serial 0 and no resources when it was never applied).
    func state(stack: String) async throws -> StackState

    /// Makes a batch durable atomically: the run row, the events (sequence numbers assigned in
    /// order) and the state changes; the serial grows by one when there are changes.
    /// Throws ``FencedOff`` when the batch's token is older than the current lease's.
    /// Returns the new serial.
    @discardableResult
    func commit(_ batch: JournalBatch) async throws -> Int64

    /// Takes the stack's lease, or throws ``LeaseConflict`` naming the holder. A takeover
    /// (of an expired or dead holder's lease) raises the fencing token.
    func acquireLease(_ request: LeaseRequest) async throws -> Lease
    /// Pushes the expiry forward; throws ``FencedOff`` when the lease was taken over.
    func renewLease(_ lease: Lease, until: Date) async throws -> Lease
    /// Gives the lease up; does nothing when it is no longer ours.
    func releaseLease(_ lease: Lease) async throws
    /// The current lease of a stack, if any.
    func lease(stack: String) async throws -> Lease?
    /// Removes any lease of the stack (`cairn unlock --force`); the next holder gets a higher token.
    func breakLease(stack: String) async throws

    /// Runs of a stack, newest first.
    func runs(stack: String, limit: Int) async throws -> [RunRecord]
    /// The journal of one run, in order.
    func events(runID: String) async throws -> [JournalEvent]
}
