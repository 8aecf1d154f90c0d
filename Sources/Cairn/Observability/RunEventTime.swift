import Foundation
import Tracing

/// When a hook was made. An observer called straight from the executor sees the present; a
/// ``QueuedRunObserver``, which hands hooks on a little later, binds the time each hook was
/// made while it delivers it, so that log records and spans keep the times of the run, not of
/// the delivery. Observers and log handlers read ``now`` instead of a clock.
public struct RunEventTime: Sendable {
    /// Wall-clock time, in nanoseconds since 1970 (what log records and spans show).
    public var nanosecondsSinceEpoch: UInt64
    /// Monotonic time, for the durations between hooks.
    public var instant: ContinuousClock.Instant

    /// The time of the hook being delivered, when a ``QueuedRunObserver`` is delivering one.
    @TaskLocal public static var delivered: RunEventTime?

    /// The time of the hook being delivered, or else the present.
    public static var now: RunEventTime { delivered ?? present() }

    /// The present, read from the clocks.
    public static func present() -> RunEventTime {
        RunEventTime(nanosecondsSinceEpoch: DefaultTracerClock.now.nanosecondsSinceEpoch, instant: .now)
    }

    /// The wall-clock time as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(nanosecondsSinceEpoch) / 1_000_000_000) }

    /// The wall-clock time as tracers take it.
    public var tracerInstant: DefaultTracerClock.Instant { .init(nanosecondsSinceEpoch: nanosecondsSinceEpoch) }
}
