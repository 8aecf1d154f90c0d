import Foundation

/// `cairn reconcile --watch`: a long-lived controller that runs a reconcile pass, waits a
/// jittered interval, and runs the next, until asked to stop.
///
/// Each pass reloads the spec (so edits are picked up), and a pass that finds drift applies
/// its corrections as one journaled run. A pass that fails (the stack is locked, a provider is
/// unreachable, the spec does not validate) is reported and the loop goes on. A stop request
/// lets the pass in progress finish, and ends the wait between passes within
/// ``Configuration/stopCheckInterval``; task cancellation ends the wait at once. Time and
/// jitter come from the engine's clock and random source, so tests run passes without waiting.
public struct ReconcileLoop: Sendable {
    /// How often and how regularly passes run.
    public struct Configuration: Sendable {
        /// The time between the end of one pass and the start of the next, before jitter.
        public var interval: Duration
        /// The fraction of the interval by which each wait varies either way (0.1: ±10 %), so
        /// that many controllers do not read a provider in step.
        public var jitter: Double
        /// How often a wait checks for a stop request.
        public var stopCheckInterval: Duration
        /// Stop after this many passes (nil: run until stopped).
        public var maxPasses: Int?

        /// A loop every `interval` ±10 %, checking for a stop every 250 ms.
        public init(
            interval: Duration, jitter: Double = 0.1, stopCheckInterval: Duration = .milliseconds(250),
            maxPasses: Int? = nil
        ) {
            self.interval = interval
            self.jitter = min(max(jitter, 0), 1)
            self.stopCheckInterval = stopCheckInterval
            self.maxPasses = maxPasses
        }
    }

    /// What one pass did, for its summary line.
    public struct Pass: Sendable {
        /// The pass number, from 1.
        public var number: Int
        /// The pass's result; nil when it failed.
        public var result: ReconcileResult?
        /// Why the pass failed, said so a person can act on it.
        public var error: String?
        /// How long the pass took on the engine's clock.
        public var duration: Duration
        /// The wait before the next pass (nil when the loop stops after this one).
        public var nextIn: Duration?
    }

    /// The engine the passes run on.
    public var engine: Engine
    /// The interval, jitter and limits of the loop.
    public var configuration: Configuration
    /// How each pass reads and applies (a fresh retry budget per pass).
    public var options: ReconcileOptions
    /// Loads (and validates) the spec at the start of each pass.
    public var loadStack: @Sendable () throws -> Stack

    /// A loop over `engine` that loads the stack with `loadStack` before each pass.
    public init(
        engine: Engine, configuration: Configuration, options: ReconcileOptions = ReconcileOptions(),
        loadStack: @escaping @Sendable () throws -> Stack
    ) {
        self.engine = engine
        self.configuration = configuration
        self.options = options
        self.loadStack = loadStack
    }

    /// Runs passes until `stop` is requested, the task is cancelled, or `maxPasses` is reached;
    /// calls `onPass` after each. Returns how many passes ran. Never throws: a failed pass is
    /// reported through `onPass` and the loop goes on.
    @discardableResult
    public func run(stop: StopRequest, onPass: @Sendable (Pass) async -> Void = { _ in }) async -> Int {
        var number = 0
        while !stop.isRequested && !Task.isCancelled {
            number += 1
            let elapsed = Self.stopwatch(engine.configuration.clock)
            var pass = Pass(number: number, result: nil, error: nil, duration: .zero, nextIn: nil)
            do {
                pass.result = try await engine.reconcile(try loadStack(), options: options)
            } catch is CancellationError {
                return number - 1
            } catch {
                pass.error = "\(error)"
            }
            pass.duration = elapsed()
            let last = stop.isRequested || Task.isCancelled || configuration.maxPasses.map { number >= $0 } ?? false
            if !last { pass.nextIn = nextWait() }
            await onPass(pass)
            guard let wait = pass.nextIn else { break }
            guard await pause(wait, stop: stop) else { break }
        }
        return number
    }

    /// A function that returns the time elapsed on `clock` since it was made.
    private static func stopwatch<C: Clock>(_ clock: C) -> @Sendable () -> Duration where C.Duration == Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    /// The interval with jitter: uniform in `interval * (1 ± jitter)`.
    func nextWait() -> Duration {
        let unit = engine.configuration.random.unit()
        return configuration.interval * (1 - configuration.jitter + 2 * configuration.jitter * unit)
    }

    /// Sleeps `duration` in slices, checking for a stop between them; false when stopped or cancelled.
    private func pause(_ duration: Duration, stop: StopRequest) async -> Bool {
        let clock = engine.configuration.clock
        var remaining = duration
        while remaining > .zero {
            if stop.isRequested { return false }
            let slice = min(remaining, configuration.stopCheckInterval)
            do { try await clock.sleep(for: slice) } catch { return false }
            remaining -= slice
        }
        return !stop.isRequested
    }
}
