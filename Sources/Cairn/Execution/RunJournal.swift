import Foundation

/// The batch a run is about to make durable, and the one place that commits it.
struct RunJournal {
    let configuration: Executor.Configuration
    let stack: String
    let runID: String
    var batch: JournalBatch
    private(set) var commits = 0

    init(configuration: Executor.Configuration, stack: String, runID: String, fencingToken: Int64) {
        self.configuration = configuration
        self.stack = stack
        self.runID = runID
        batch = JournalBatch(stack: stack, fencingToken: fencingToken)
    }

    mutating func event(
        _ kind: JournalEvent.Kind, step: Step? = nil, key: String? = nil, attempt: Int? = nil, status: String? = nil,
        error: ProviderError? = nil, detail: [String: Value] = [:]
    ) {
        batch.events.append(
            JournalEvent(
                runID: runID, time: configuration.now(), kind: kind, address: step?.address,
                action: step?.action.rawValue, idempotencyKey: key, attempt: attempt, status: status,
                errorClass: error?.errorClass.rawValue, message: error?.message, detail: detail))
    }

    mutating func change(_ change: StateChange) { batch.changes.append(change) }

    /// Commits what is pending, if anything; returns the serial after it (nil when nothing was pending).
    @discardableResult
    mutating func flush() async throws -> Int64? {
        guard !batch.isEmpty else { return nil }
        let pending = batch
        batch = JournalBatch(stack: stack, fencingToken: pending.fencingToken)
        commits += 1
        return try await configuration.store.commit(pending)
    }
}
