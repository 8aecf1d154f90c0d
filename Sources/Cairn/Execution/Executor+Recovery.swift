import Foundation

extension Executor {
    /// Continues run `history.runID` where its journal ends, with the same idempotency keys.
    /// Steps in doubt are resolved by asking their providers before anything is repeated:
    /// a create the provider `find`s by its key is recorded as done, not made again.
    public func resume(history: RunHistory, state: StackState, lease: Lease, options: Options = Options()) async throws -> RunResult {
        guard !history.rollbackStarted else {
            throw RecoveryError(
                .rollingBack, "run \(history.runID) was already rolling back; continue that with `cairn rollback`")
        }
        var journal = RunJournal(
            configuration: configuration, stack: history.plan.stack, runID: history.runID, fencingToken: lease.fencingToken)
        let record = RunRecord(
            runID: history.runID, stack: history.plan.stack, status: .running, operation: history.operation,
            startedAt: configuration.now())
        journal.batch.run = record
        journal.event(.runResumed, detail: ["serial": .int(Int(state.serial))])
        var live = state
        configuration.observer.runStarted(runID: history.runID, plan: history.plan, operation: history.operation)
        return try await reportingAbort(runID: history.runID) {
            let resolved = try await resolveInDoubt(history, state: &live, journal: &journal)
            return try await drive(
                plan: history.plan, state: &live, record: record, journal: &journal,
                alreadySucceeded: history.succeeded.union(resolved), options: options)
        }
    }

    /// Undoes what run `history.runID` completed (and what its in-doubt steps turn out to have
    /// done), minus what an earlier rollback already undid. Running it twice changes nothing
    /// the second time.
    public func rollback(history: RunHistory, state: StackState, lease: Lease, options: Options = Options()) async throws -> RunResult {
        let started = configuration.now()
        var journal = RunJournal(
            configuration: configuration, stack: history.plan.stack, runID: history.runID, fencingToken: lease.fencingToken)
        let record = RunRecord(
            runID: history.runID, stack: history.plan.stack, status: .running, operation: history.operation,
            startedAt: started)
        journal.batch.run = record
        journal.event(.runResumed, detail: ["serial": .int(Int(state.serial)), "for": "rollback"])
        configuration.observer.runStarted(runID: history.runID, plan: history.plan, operation: "rollback")
        var live = state
        return try await reportingAbort(runID: history.runID) {
            let resolved = try await resolveInDoubt(history, state: &live, journal: &journal)
            let completed = Step.steps(of: history.plan).filter {
                (history.succeeded.contains($0.key) || resolved.contains($0.key)) && !history.compensated.contains($0.key)
            }
            var result = RunResult(
                runID: history.runID, status: .rolledBack, summary: Plan.Summary(), retries: 0, compensated: 0,
                duration: .zero, failures: [], notRun: [], remaining: [], serial: live.serial)
            try await compensate(completed, plan: history.plan, state: &live, journal: &journal, options: options, into: &result)
            return try await finish(record, result: result, state: live, journal: &journal, started: started)
        }
    }

    /// Asks providers what became of each step in doubt, before anything is repeated: a create
    /// (or the new half of a replacement) is looked up by its idempotency key; an update or a
    /// delete by reading the resource. A step found done is recorded as done; anything else is
    /// left to run again, which is safe because a create repeats with the same key and updates
    /// and deletes are idempotent. Returns the keys of the steps found done.
    func resolveInDoubt(_ history: RunHistory, state: inout StackState, journal: inout RunJournal) async throws -> Set<String> {
        var done: Set<String> = []
        let steps = Dictionary(Step.steps(of: history.plan).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let observer = configuration.observer
        var asked: [(key: String, intent: JournalEvent, step: Step, token: String, provider: any Provider)] = []
        for (key, intent) in history.inDoubt.sorted(by: { $0.key < $1.key }) {
            guard let step = steps[key], let token = intent.idempotencyKey,
                let provider = configuration.registry.provider(for: step.type)
            else { continue }
            asked.append((key, intent, step, token, provider))
        }
        // The phase ends only when every answer is in; if a provider cannot answer, the run
        // aborts and runAborted ends what is open.
        if !asked.isEmpty { observer.phaseStarted(.resolution, runID: history.runID, steps: asked.count) }
        for (key, intent, step, token, provider) in asked {
            observer.stepResolving(step)
            let properties = intent.detail["properties"]?.mapValue ?? [:]
            let context = ResourceContext(stack: history.plan.stack, address: step.resourceAddress, type: step.type)
            let changes: [StateChange]?
            switch step.action {
            case .create, .replace:
                let request = FindRequest(
                    context: context,
                    idempotencyKey: IdempotencyKey(token: token, digest: intent.detail["digest"]?.stringValue ?? ""),
                    properties: properties)
                let found = try await withRetry(policy: step.retry, clock: configuration.clock, random: configuration.random) {
                    try await provider.find(request)
                }
                changes = found.map { found in
                    var out: [StateChange] = []
                    if step.action == .replace, var old = state.resources[step.address], old.id != found.id {
                        old.address += Step.deposedSuffix
                        out.append(.put(old))
                    }
                    out.append(
                        .put(
                            RecordedResource(
                                address: step.address, type: step.type, id: found.id, properties: properties,
                                outputs: found.outputs, dependencies: step.resourceDependencies, idempotencyKey: token,
                                lifecycle: step.lifecycle)))
                    return out
                }
            case .update, .delete:
                guard let record = state.resources[step.address] else {
                    observer.stepResolved(step, applied: false)
                    continue
                }
                let seen = try await withRetry(policy: step.retry, clock: configuration.clock, random: configuration.random) {
                    try await provider.read(ReadRequest(context: context, id: record.id, properties: record.properties))
                }
                if step.action == .delete {
                    changes = seen == nil ? [.remove(step.address)] : nil
                } else if let seen, properties.allSatisfy({ seen.properties[$0.key] == $0.value }) {
                    var updated = record
                    updated.properties = properties
                    updated.outputs.merge(seen.outputs) { _, new in new }
                    changes = [.put(updated)]
                } else {
                    changes = nil
                }
            case .noop, .forget:
                observer.stepResolved(step, applied: false)
                continue
            }
            guard let changes else {
                journal.event(.resolved, step: step, key: token, status: "not_applied")
                observer.stepResolved(step, applied: false)
                continue
            }
            for change in changes {
                state.apply(change)
                journal.change(change)
            }
            journal.event(.resolved, step: step, key: token, status: "ok")
            observer.stepResolved(step, applied: true)
            done.insert(key)
        }
        if let serial = try await journal.flush() { state.serial = serial }
        if !asked.isEmpty { observer.phaseFinished(.resolution, runID: history.runID) }
        return done
    }
}
