/// How often and how patiently a failed call is tried again. A value: set per stack
/// (`defaults.retry`) and per resource (`retry`).
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// How a delay is spread: full jitter picks uniformly in [0, delay].
    public enum Jitter: String, Sendable, Hashable, Codable {
        case none, full, equal
    }

    /// Total tries, the first included (1 means no retry).
    public var maxAttempts: Int
    public var initialDelay: Duration
    public var multiplier: Double
    public var maxDelay: Duration
    /// No retry starts after this much time has passed since the first try.
    public var maxElapsed: Duration
    public var jitter: Jitter

    public init(
        maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(200), multiplier: Double = 2,
        maxDelay: Duration = .seconds(20), maxElapsed: Duration = .seconds(120), jitter: Jitter = .full
    ) {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.maxElapsed = maxElapsed
        self.jitter = jitter
    }

    /// Five tries, 200 ms doubling to at most 20 s, within two minutes, full jitter.
    public static let `default` = RetryPolicy()

    /// One try, no retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The delay cap before jitter for the retry after failed attempt `attempt` (1-based):
    /// `min(maxDelay, initialDelay * multiplier^(attempt-1))`.
    public func backoffCeiling(afterAttempt attempt: Int) -> Duration {
        let base = Double(initialDelay.components.seconds) + Double(initialDelay.components.attoseconds) / 1e18
        let capSeconds = Double(maxDelay.components.seconds) + Double(maxDelay.components.attoseconds) / 1e18
        let exponent = Double(max(0, attempt - 1))
        let seconds = min(capSeconds, base * pow(multiplier, exponent))
        return .nanoseconds(Int64(((seconds.isFinite ? seconds : capSeconds) * 1e9).rounded()))
    }

    /// The jittered delay for the retry after failed attempt `attempt`, using `unit`
    /// (a number in [0, 1) from the injected random source).
    public func delay(afterAttempt attempt: Int, unit: Double) -> Duration {
        let ceiling = backoffCeiling(afterAttempt: attempt)
        switch jitter {
        case .none: return ceiling
        case .full: return ceiling * unit
        case .equal: return ceiling / 2 + (ceiling / 2) * unit
        }
    }
}

import Foundation
