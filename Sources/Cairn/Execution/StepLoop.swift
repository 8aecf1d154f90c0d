/// One pass of the executor over a set of steps (the forward run, or its compensation): the
/// task-group loop that launches calls, and the one place their completions are interpreted.
struct StepLoop {
    let configuration: Executor.Configuration
    let steps: [Step]
    var machine: ExecutionMachine
    let budget: RetryBudget
    let timeout: Duration?
    let compensation: Bool
    let stack: String
    let runID: String
    let stop: StopRequest
    let gate: (any StepGroupGate)?

    struct Outcome {
        /// Indices of the steps that succeeded, in completion order.
        var succeeded: [Int] = []
        var failures: [RunResult.Failure] = []
        var notRun: [String] = []
        var retries = 0
        /// True when a stop request ended the pass early.
        var stopped = false
        /// The group whose gate refused to let the run go on, if one did.
        var haltedAtGroup: Int?
        /// That gate's decision.
        var halt: GateHalt?
        /// How each step ended, by index.
        var statuses: [ExecutionMachine.Status] = []
    }

    private enum Preparation {
        case call(StepCall)
        case unchanged
        case failed(ProviderError)
        /// Remove the record from state; no provider call.
        case forget(RecordedResource?)
    }

    mutating func run(state: inout StackState, journal: inout RunJournal) async throws -> Outcome {
        var outcome = Outcome()
        let inbox = CompletionInbox<StepCall.Completion>()
        let configuration = configuration
        let budget = budget
        let timeout = timeout
        let compensation = compensation
        try await withThrowingDiscardingTaskGroup { group in
            while true {
                if stop.isRequested && !machine.stopping {
                    machine.stop()
                    outcome.stopped = true
                }
                if let group = machine.groupAwaitingGate {
                    let decision = try await decideGate(group, state: &state, journal: &journal)
                    if decision.pass {
                        machine.passGate()
                    } else {
                        machine.stop()
                        outcome.haltedAtGroup = group
                        outcome.halt = GateHalt(group: group, decision: decision)
                    }
                    // A stop asked for while the gate decided (or paused) starts no next group.
                    if stop.isRequested && !machine.stopping {
                        machine.stop()
                        outcome.stopped = true
                    }
                }
                var calls: [StepCall] = []
                while case let launches = machine.nextLaunches(), !launches.isEmpty {
                    for i in launches {
                        switch prepare(steps[i], state: state) {
                        case .call(let call):
                            journal.event(
                                compensation ? .compensationIntent : .intent, step: call.step, key: call.key.token,
                                detail: intentDetail(call, state: state))
                            calls.append(call)
                        case .unchanged:
                            machine.complete(i, succeeded: true)
                            outcome.succeeded.append(i)
                            configuration.observer.stepFinished(
                                steps[i], outcome: StepOutcome(status: .unchanged, attempts: 0, duration: .zero),
                                compensation: compensation)
                        case .forget(let record):
                            forget(steps[i], record: record, state: &state, journal: &journal, outcome: &outcome)
                        case .failed(let error):
                            machine.complete(i, succeeded: false)
                            journal.event(outcomeKind, step: steps[i], status: "failed", error: error)
                            outcome.failures.append(
                                .init(address: steps[i].address, id: steps[i].prior?.id, errorClass: error.errorClass.rawValue, message: error.message))
                        }
                    }
                }
                if let serial = try await journal.flush() { state.serial = serial }
                for call in calls {
                    // Observers hear of the call from its own task, not from this loop: their
                    // work (log lines, spans, metrics) then overlaps the loop's journal commits.
                    group.addTask {
                        let observer = configuration.observer
                        observer.stepStarted(call.step, compensation: compensation)
                        let completion = await call.perform(
                            clock: configuration.clock, random: configuration.random, budget: budget,
                            timeout: timeout, observer: observer, compensation: compensation)
                        // A call cut short because the run is being torn down (its journal could
                        // not be written) did not fail: it is in doubt, and the run aborts.
                        if !Task.isCancelled {
                            observer.stepFinished(call.step, outcome: completion.outcome, compensation: compensation)
                        }
                        inbox.push(completion)
                    }
                }
                if machine.isFinished { break }
                for completion in await inbox.takeAll() {
                    record(completion, state: &state, journal: &journal, outcome: &outcome)
                }
            }
        }
        machine.finish()
        outcome.statuses = machine.statuses
        for (i, status) in machine.statuses.enumerated() where status == .skipped || status == .notStarted {
            outcome.notRun.append(steps[i].address)
        }
        return outcome
    }

    private var outcomeKind: JournalEvent.Kind { compensation ? .compensationOutcome : .outcome }

    private func prepare(_ step: Step, state: StackState) -> Preparation {
        guard let provider = configuration.registry.provider(for: step.type) else {
            return .failed(ProviderError(.invalid, "no provider serves resource type \(step.type)"))
        }
        let context = ResourceContext(stack: stack, address: step.resourceAddress, type: step.type)
        let keyAction = (compensation ? "undo-" : "") + step.action.rawValue
        switch step.action {
        case .delete:
            guard let record = state.resources[step.address] ?? step.prior else { return .unchanged }
            let key = IdempotencyKey.derive(
                runID: runID, stack: stack, address: step.address, action: keyAction, properties: record.properties)
            return .call(
                StepCall(
                    step: step, provider: provider,
                    request: .delete(DeleteRequest(context: context, id: record.id, properties: record.properties, idempotencyKey: key)),
                    key: key, properties: record.properties))
        case .create, .replace, .update:
            var unresolved: [String] = []
            let resolved = Template.resolve(.map(step.desired ?? [:])) { ref in
                let v = state.resources[ref.resource]?.attribute(ref.attribute)
                if v == nil { unresolved.append(ref.description) }
                return v
            }
            guard let properties = resolved?.mapValue else {
                return .failed(
                    ProviderError(.invalid, "cannot resolve \(unresolved.joined(separator: ", ")): the resource it names is not recorded"))
            }
            let key = IdempotencyKey.derive(
                runID: runID, stack: stack, address: step.address, action: keyAction, properties: properties)
            if step.action == .update {
                guard let current = state.resources[step.address] else {
                    return .failed(ProviderError(.notFound, "\(step.address) is not recorded; plan again"))
                }
                var changed = Set(properties.keys).union(current.properties.keys).filter { properties[$0] != current.properties[$0] }
                // The record matches, but the refreshed world the plan saw does not: undo the drift.
                if changed.isEmpty, let world = step.prior?.properties {
                    changed = Set(properties.keys).union(world.keys).filter { properties[$0] != world[$0] }
                }
                if changed.isEmpty { return .unchanged }
                return .call(
                    StepCall(
                        step: step, provider: provider,
                        request: .update(
                            UpdateRequest(
                                context: context, id: current.id, prior: current.properties, properties: properties,
                                changed: changed.sorted(), idempotencyKey: key)),
                        key: key, properties: properties))
            }
            return .call(
                StepCall(
                    step: step, provider: provider,
                    request: .create(CreateRequest(context: context, properties: properties, idempotencyKey: key)),
                    key: key, properties: properties))
        case .noop:
            return .unchanged
        case .forget:
            return .forget(state.resources[step.address])
        }
    }

    private func intentDetail(_ call: StepCall, state: StackState) -> [String: Value] {
        var detail: [String: Value] = ["properties": .map(call.properties), "digest": .string(call.key.digest)]
        if let wave = call.step.wave { detail["wave"] = .int(wave) }
        if let current = state.resources[call.step.address] {
            detail["id"] = .string(current.id)
            if call.step.action == .update { detail["prior"] = .map(current.properties) }
        }
        return detail
    }

    /// How long the provider call took, tries and waits included (the outcome's own time is
    /// when it became durable, a commit later).
    private func callTime(_ completion: StepCall.Completion) -> Value {
        .int(Int(completion.duration.timeInterval * 1000))
    }

    private mutating func record(
        _ completion: StepCall.Completion, state: inout StackState, journal: inout RunJournal, outcome: inout Outcome
    ) {
        let step = completion.call.step
        for retry in completion.retries {
            journal.event(
                .attempt, step: step, key: completion.call.key.token, attempt: retry.attempt, status: "retrying",
                error: retry.error,
                detail: [
                    "delay_ms": .int(Int(retry.delay.timeInterval * 1000)),
                    "failed_after_ms": .int(Int(retry.elapsed.timeInterval * 1000)),
                ])
        }
        outcome.retries += completion.retries.count
        switch completion.result {
        case .success(let snapshot):
            var changes: [StateChange] = []
            switch step.action {
            case .create, .replace, .update:
                guard let snapshot else { break }
                if step.action == .replace, var old = state.resources[step.address] {
                    old.address += Step.deposedSuffix
                    changes.append(.put(old))
                }
                changes.append(
                    .put(
                        RecordedResource(
                            address: step.address, type: step.type, id: snapshot.id, properties: completion.call.properties,
                            outputs: snapshot.outputs, dependencies: step.resourceDependencies,
                            idempotencyKey: step.action == .update
                                ? state.resources[step.address]?.idempotencyKey : completion.call.key.token,
                            lifecycle: step.lifecycle)))
            case .delete:
                changes.append(.remove(step.address))
                if compensation, var old = state.resources[step.address + Step.deposedSuffix] {
                    changes.append(.remove(old.address))
                    old.address = step.address
                    changes.append(.put(old))
                }
            case .noop, .forget:
                break
            }
            for change in changes {
                state.apply(change)
                journal.change(change)
            }
            journal.event(
                outcomeKind, step: step, key: completion.call.key.token, attempt: completion.retries.count + 1, status: "ok",
                detail: snapshot.map { ["id": .string($0.id), "call_ms": callTime(completion)] } ?? ["call_ms": callTime(completion)])
            machine.complete(step.index, succeeded: true)
            outcome.succeeded.append(step.index)
        case .failure(let failure):
            journal.event(
                outcomeKind, step: step, key: completion.call.key.token, attempt: failure.attempts, status: "failed",
                error: failure.last, detail: ["reason": .string(failure.reason.rawValue), "call_ms": callTime(completion)])
            machine.complete(step.index, succeeded: false)
            outcome.failures.append(
                .init(address: step.address, id: state.resources[step.address]?.id, errorClass: failure.last.errorClass.rawValue, message: failure.description))
        }
    }
}
