extension Engine {
    /// The stack's latest run when it did not finish (its process died, or it was interrupted).
    public func unfinishedRun(stack: String) async throws -> RunRecord? {
        guard let latest = try await configuration.store.runs(stack: stack, limit: 1).first else { return nil }
        return latest.status == .running || latest.status == .interrupted ? latest : nil
    }

    /// Checks that a new run may start: throws ``LeaseConflict`` when another live run holds the
    /// stack, and ``UnfinishedRun`` when the last run died or was interrupted (even when there
    /// is nothing left to change: its journal still has to be closed by resume or rollback).
    public func checkReadyForNewRun(stack: String) async throws {
        let lease = try await acquireLease(stack: stack, holder: "cairn (checking the stack)")
        let unfinished: RunRecord?
        do {
            unfinished = try await unfinishedRun(stack: stack)
        } catch {
            try? await configuration.store.releaseLease(lease)
            throw error
        }
        try? await configuration.store.releaseLease(lease)
        if let unfinished { throw UnfinishedRun(run: unfinished) }
    }

    /// Finishes an interrupted run with its own plan and keys (the latest run unless `runID`
    /// is given). Takes the lease over when its holder is gone.
    public func resume(stack: String, runID: String? = nil, options: Executor.Options = Executor.Options()) async throws -> RunResult {
        try await recover(stack: stack, runID: runID, verb: "resume", allowed: [.running, .interrupted]) { history, state, lease in
            try await Executor(configuration: configuration.execution).resume(
                history: history, state: state, lease: lease, options: options)
        }
    }

    /// Undoes what a run did (the latest run unless `runID` is given): an interrupted, failed,
    /// halted run, or one whose rollback could not finish.
    public func rollback(stack: String, runID: String? = nil, options: Executor.Options = Executor.Options()) async throws -> RunResult {
        try await recover(
            stack: stack, runID: runID, verb: "rollback", allowed: [.running, .interrupted, .failed, .halted, .rollbackFailed]
        ) { history, state, lease in
            try await Executor(configuration: configuration.execution).rollback(
                history: history, state: state, lease: lease, options: options)
        }
    }

    private func recover(
        stack: String, runID: String?, verb: String, allowed: Set<RunRecord.Status>,
        _ body: @Sendable (RunHistory, StackState, Lease) async throws -> RunResult
    ) async throws -> RunResult {
        let store = configuration.store
        let lease = try await acquireLease(stack: stack, holder: "cairn \(verb)")
        do {
            let runs = try await store.runs(stack: stack, limit: runID == nil ? 1 : 1000)
            guard let run = runID.map({ id in runs.first { $0.runID == id } }) ?? runs.first else {
                throw RecoveryError(
                    .nothingToRecover, runID.map { "stack '\(stack)' has no run \($0); `cairn status` lists runs" }
                        ?? "stack '\(stack)' has no runs to \(verb)")
            }
            guard allowed.contains(run.status) else {
                throw RecoveryError(
                    .nothingToRecover, "run \(run.runID) is \(run.status.rawValue); there is nothing to \(verb)")
            }
            let history = try RunHistory(events: try await store.events(runID: run.runID))
            let state = try await store.state(stack: stack)
            let result = try await withLeaseHeartbeat(lease) { try await body(history, state, lease) }
            try? await store.releaseLease(lease)
            return result
        } catch {
            try? await store.releaseLease(lease)
            throw error
        }
    }
}
