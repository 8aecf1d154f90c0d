/// One failed try that will be retried, reported to the caller's `onRetry`.
public struct RetryEvent: Sendable {
    /// The attempt that failed (1-based).
    public var attempt: Int
    public var error: ProviderError
    /// How long the loop waits before the next attempt.
    public var delay: Duration
    /// How long after the first attempt started this one failed.
    public var elapsed: Duration = .zero
}

/// Thrown when the retry loop gives up: the last error, how many tries were made and why
/// no further try was made.
public struct RetryFailure: Error, Sendable, CustomStringConvertible {
    /// Why the loop stopped.
    public enum Reason: String, Sendable, Codable {
        case notRetryable = "not_retryable"
        case maxAttempts = "max_attempts"
        case maxElapsed = "max_elapsed"
        case budgetExhausted = "budget_exhausted"
    }

    public var last: ProviderError
    public var attempts: Int
    public var reason: Reason

    public var description: String {
        switch reason {
        case .notRetryable: "\(last)"
        case .maxAttempts: "\(last) (gave up after \(attempts) attempts)"
        case .maxElapsed: "\(last) (gave up after \(attempts) attempts: the retry time limit was reached)"
        case .budgetExhausted: "\(last) (not retried: the run's retry budget is spent, the provider looks unhealthy)"
        }
    }
}

/// Runs `operation` until it succeeds or the policy says stop. Errors are classified first
/// (``ProviderError/classify(_:)`` unless `classify` is given): permanent, invalid, conflict and
/// not-found errors are never retried; throttled errors wait at least their `retryAfter`.
/// Delays come from `policy` with jitter drawn from `random`, and are slept on `clock`, so
/// tests run without sleeping. When a `budget` is given, each retry must be paid for.
///
/// Throws ``RetryFailure`` carrying the last error, or `CancellationError` when cancelled.
public func withRetry<C: Clock, T: Sendable>(
    policy: RetryPolicy,
    clock: C,
    random: RandomSource,
    budget: RetryBudget? = nil,
    classify: @Sendable (any Error) -> ProviderError = ProviderError.classify,
    onRetry: (RetryEvent) async -> Void = { _ in },
    operation: () async throws -> T
) async throws -> T where C.Duration == Duration {
    let start = clock.now
    var attempt = 0
    while true {
        attempt += 1
        do {
            let value = try await operation()
            budget?.recordSuccess()
            return value
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            let classified = classify(error)
            guard classified.errorClass.isRetryable else {
                throw RetryFailure(last: classified, attempts: attempt, reason: .notRetryable)
            }
            guard attempt < policy.maxAttempts else {
                throw RetryFailure(last: classified, attempts: attempt, reason: .maxAttempts)
            }
            var delay = policy.delay(afterAttempt: attempt, unit: random.unit())
            if let after = classified.retryAfter, after > delay { delay = after }
            let elapsed = start.duration(to: clock.now)
            guard elapsed + delay <= policy.maxElapsed else {
                throw RetryFailure(last: classified, attempts: attempt, reason: .maxElapsed)
            }
            if let budget, !budget.spend(for: classified.errorClass) {
                throw RetryFailure(last: classified, attempts: attempt, reason: .budgetExhausted)
            }
            await onRetry(RetryEvent(attempt: attempt, error: classified, delay: delay, elapsed: elapsed))
            try await clock.sleep(for: delay)
        }
    }
}
