import Cairn
import CairnTesting
import Testing

/// A scripted operation: fails with the given errors in order, then succeeds.
private final class Script: Sendable {
    let errors: [ProviderError]
    let calls = Counter()
    init(_ errors: [ProviderError]) { self.errors = errors }
    func run() throws -> String {
        let n = calls.increment()
        if n <= errors.count { throw errors[n - 1] }
        return "ok after \(n)"
    }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    @discardableResult func increment() -> Int { value.withLock { $0 += 1; return $0 } }
    var count: Int { value.withLock { $0 } }
}

import Synchronization

@Suite("Retry policy delays")
struct RetryPolicyTests {
    @Test("the ceiling doubles from the initial delay and stops at the maximum", arguments: [
        (1, 200), (2, 400), (3, 800), (4, 1600), (5, 3200), (8, 20000), (30, 20000),
    ])
    func ceiling(attempt: Int, expectedMilliseconds: Int) {
        let policy = RetryPolicy(initialDelay: .milliseconds(200), multiplier: 2, maxDelay: .seconds(20))
        #expect(policy.backoffCeiling(afterAttempt: attempt) == .milliseconds(expectedMilliseconds))
    }

    @Test("full jitter stays within [0, ceiling]; equal jitter within [ceiling/2, ceiling]")
    func jitterBounds() {
        let policy = RetryPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(5))
        let equal = RetryPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(5), jitter: .equal)
        let random = RandomSource(seed: 7)
        for attempt in 1...10 {
            let ceiling = policy.backoffCeiling(afterAttempt: attempt)
            for _ in 0..<50 {
                let d = policy.delay(afterAttempt: attempt, unit: random.unit())
                #expect(d >= .zero && d <= ceiling)
                let e = equal.delay(afterAttempt: attempt, unit: random.unit())
                #expect(e >= ceiling / 2 && e <= ceiling)
            }
        }
        #expect(RetryPolicy(jitter: .none).delay(afterAttempt: 2, unit: 0.3) == .milliseconds(400))
    }
}

@Suite("withRetry")
struct WithRetryTests {
    let clock = TestClock()

    @Test("transient errors are retried until success, sleeping on the injected clock")
    func retriesTransient() async throws {
        let script = Script([ProviderError(.transient, "503"), ProviderError(.timeout, "slow")])
        let value = try await withRetry(policy: .default, clock: clock, random: RandomSource(seed: 1)) { try script.run() }
        #expect(value == "ok after 3")
        #expect(clock.sleeps.count == 2)
    }

    @Test("errors that must not be retried are tried once", arguments: [
        ProviderError.Class.permanent, .invalid, .conflict, .notFound,
    ])
    func notRetryable(errorClass: ProviderError.Class) async throws {
        let script = Script([ProviderError(errorClass, "no")])
        let error = await #expect(throws: RetryFailure.self) {
            try await withRetry(policy: .default, clock: clock, random: RandomSource(seed: 1)) { try script.run() }
        }
        #expect(error?.reason == .notRetryable)
        #expect(error?.last.errorClass == errorClass)
        #expect(script.calls.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test("max attempts bounds the tries")
    func maxAttempts() async throws {
        let script = Script(Array(repeating: ProviderError(.transient, "down"), count: 10))
        let error = await #expect(throws: RetryFailure.self) {
            try await withRetry(policy: RetryPolicy(maxAttempts: 4), clock: clock, random: RandomSource(seed: 2)) { try script.run() }
        }
        #expect(error?.reason == .maxAttempts)
        #expect(error?.attempts == 4)
        #expect(script.calls.count == 4)
    }

    @Test("Retry-After is honoured even when the backoff would be shorter")
    func retryAfter() async throws {
        let script = Script([ProviderError(.throttled, "slow down", retryAfter: .seconds(3))])
        _ = try await withRetry(policy: RetryPolicy(initialDelay: .milliseconds(10)), clock: clock, random: RandomSource(seed: 3)) {
            try script.run()
        }
        #expect(clock.sleeps == [.seconds(3)])
    }

    @Test("no retry starts past the total elapsed limit")
    func totalTime() async throws {
        let script = Script(Array(repeating: ProviderError(.transient, "down"), count: 100))
        let policy = RetryPolicy(maxAttempts: 100, initialDelay: .seconds(1), maxDelay: .seconds(4), maxElapsed: .seconds(10), jitter: .none)
        let error = await #expect(throws: RetryFailure.self) {
            try await withRetry(policy: policy, clock: clock, random: RandomSource(seed: 4)) { try script.run() }
        }
        #expect(error?.reason == .maxElapsed)
        // 1 + 2 + 4 = 7 s slept; the next 4 s would pass 10 s.
        #expect(clock.sleeps == [.seconds(1), .seconds(2), .seconds(4)])
        #expect(TestClock.Instant(offset: .zero).duration(to: clock.now) <= .seconds(10))
    }

    @Test("an empty retry budget stops retries; successes refund it")
    func budget() async throws {
        let budget = RetryBudget(.init(capacity: 12, retryCost: 5, timeoutCost: 10, successRefund: 1))
        let script = Script(Array(repeating: ProviderError(.transient, "down"), count: 100))
        let error = await #expect(throws: RetryFailure.self) {
            try await withRetry(policy: RetryPolicy(maxAttempts: 50), clock: clock, random: RandomSource(seed: 5), budget: budget) {
                try script.run()
            }
        }
        #expect(error?.reason == .budgetExhausted)
        #expect(script.calls.count == 3)  // two retries paid (10 tokens), the third could not be
        #expect(budget.available == 2)
        budget.recordSuccess()
        #expect(budget.available == 3)
        #expect(!budget.spend(for: .timeout))
    }

    @Test("the same seed gives the same delays")
    func deterministic() async throws {
        func delays(seed: UInt64) async throws -> [Duration] {
            let clock = TestClock()
            let script = Script(Array(repeating: ProviderError(.transient, "x"), count: 5))
            _ = try await withRetry(policy: RetryPolicy(maxAttempts: 10), clock: clock, random: RandomSource(seed: seed)) { try script.run() }
            return clock.sleeps
        }
        #expect(try await delays(seed: 9) == delays(seed: 9))
        #expect(try await delays(seed: 9) != delays(seed: 10))
    }

    @Test("HTTP statuses and POSIX errors are classified", arguments: [
        (429, ProviderError.Class.throttled), (503, .transient), (500, .transient), (504, .timeout),
        (400, .invalid), (403, .permanent), (404, .notFound), (409, .conflict),
    ])
    func httpClassification(status: Int, expected: ProviderError.Class) {
        #expect(ProviderError.http(status: status, message: "x").errorClass == expected)
    }

    @Test("POSIX errors are classified")
    func posixClassification() {
        #expect(ProviderError.posix(104, message: "reset").errorClass == .transient)
        #expect(ProviderError.posix(2, message: "missing").errorClass == .notFound)
        #expect(ProviderError.posix(13, message: "denied").errorClass == .permanent)
    }
}
