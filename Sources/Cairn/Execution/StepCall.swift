/// A provider call ready to run: its intent is durable, its properties resolved.
struct StepCall: Sendable {
    enum Request: Sendable {
        case create(CreateRequest)
        case update(UpdateRequest)
        case delete(DeleteRequest)
    }

    var step: Step
    var provider: any Provider
    var request: Request
    var key: IdempotencyKey
    var properties: [String: Value]

    func invoke() async throws -> ResourceSnapshot? {
        switch request {
        case .create(let r): return try await provider.create(r)
        case .update(let r): return try await provider.update(r)
        case .delete(let r):
            try await provider.delete(r)
            return nil
        }
    }

    /// What the executor loop learns when the call is over.
    struct Completion: Sendable {
        var call: StepCall
        var result: Result<ResourceSnapshot?, RetryFailure>
        var retries: [RetryEvent]
        var duration: Duration

        /// How the step ended, as observers are told.
        var outcome: StepOutcome {
            switch result {
            case .success(let snapshot):
                StepOutcome(status: .ok, attempts: retries.count + 1, duration: duration, id: snapshot?.id)
            case .failure(let failure):
                StepOutcome(status: .failed, attempts: failure.attempts, duration: duration, error: failure)
            }
        }
    }

    /// Runs the call with retries and the step timeout. Never throws: failures are results.
    func perform<C: Clock>(
        clock: C, random: RandomSource, budget: RetryBudget, timeout: Duration?, observer: any RunObserver,
        compensation: Bool = false
    ) async -> Completion where C.Duration == Duration {
        let start = clock.now
        var retries: [RetryEvent] = []
        let result: Result<ResourceSnapshot?, RetryFailure>
        do {
            let snapshot = try await withRetry(
                policy: step.retry, clock: clock, random: random, budget: budget,
                onRetry: { event in
                    retries.append(event)
                    observer.stepRetrying(step, event: event, compensation: compensation)
                },
                operation: {
                    let attempt = retries.count + 1
                    observer.attemptStarted(step, attempt: attempt, compensation: compensation)
                    do {
                        let snapshot = try await withDeadline(timeout, clock: clock) { try await self.invoke() }
                        observer.attemptFinished(step, attempt: attempt, error: nil, compensation: compensation)
                        return snapshot
                    } catch {
                        observer.attemptFinished(
                            step, attempt: attempt, error: ProviderError.classify(error), compensation: compensation)
                        throw error
                    }
                })
            result = .success(snapshot)
        } catch let failure as RetryFailure {
            result = .failure(failure)
        } catch {
            result = .failure(RetryFailure(last: ProviderError.classify(error), attempts: retries.count + 1, reason: .notRetryable))
        }
        return Completion(call: self, result: result, retries: retries, duration: start.duration(to: clock.now))
    }
}
