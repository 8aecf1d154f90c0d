import Synchronization

/// A manual clock for the simulated-cloud tests: `now` moves only when a test advances it or a
/// caller sleeps on it, and a sleep returns at once after moving `now` to its deadline.
final class SimTestClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration

        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct State {
        var now: Duration = .zero
        var sleeps: [Duration] = []
    }

    private let state = Mutex(State())

    var now: Instant { Instant(offset: state.withLock { $0.now }) }
    var minimumResolution: Duration { .nanoseconds(1) }

    /// Every sleep so far, as the length asked for.
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(max(.zero, deadline.offset - state.now))
            state.now = max(state.now, deadline.offset)
        }
    }

    /// Moves `now` forward.
    func advance(by duration: Duration) {
        state.withLock { $0.now += duration }
    }
}
