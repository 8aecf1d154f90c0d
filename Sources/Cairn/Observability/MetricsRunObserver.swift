import Metrics
import Synchronization

/// Counts and times a run through swift-metrics (the library never bootstraps a backend: the
/// factory defaults to the global one, which the CLI sets to Prometheus).
///
/// Label values are always bounded: resource types, actions, outcomes, error classes,
/// operations and run statuses; never addresses, ids or property values. The names are in
/// ``MetricsRunObserver/Names`` and listed in docs/observability.md.
public final class MetricsRunObserver: RunObserver {
    /// The metric names this observer emits.
    public enum Names {
        /// Counter: steps that ended, by `type`, `action`, `outcome` and `phase`.
        public static let steps = "cairn_steps_total"
        /// Timer (histogram): how long steps took, tries and backoff included, by `type` and `action`.
        public static let stepDuration = "cairn_step_duration_seconds"
        /// Counter: provider calls made, by `type`, `action` and `outcome` (`ok`, `failed`).
        public static let attempts = "cairn_attempts_total"
        /// Counter: failed tries that were retried, by `type` and `error_class`.
        public static let retries = "cairn_retries_total"
        /// Counter: retries that waited because a provider throttled, by `type`.
        public static let throttledWaits = "cairn_throttled_waits_total"
        /// Timer (histogram): how long throttled steps waited before their next try, by `type`.
        public static let throttledWaitDuration = "cairn_throttled_wait_seconds"
        /// Counter: compensation steps that ended, by `type` and `outcome`.
        public static let compensations = "cairn_compensations_total"
        /// Counter: steps left in doubt by a crash and resolved by asking their provider, by
        /// `type` and `outcome` (`applied`, `not_applied`).
        public static let resolutions = "cairn_resolutions_total"
        /// Counter: runs that ended, by `operation` and `status` (`aborted` when an error
        /// stopped the run without a final status).
        public static let runs = "cairn_runs_total"
        /// Timer (histogram): how long runs took, by `operation` and `status`.
        public static let runDuration = "cairn_run_duration_seconds"
        /// Gauge: steps whose provider call is under way.
        public static let stepsInFlight = "cairn_steps_in_flight"
        /// Counter: drift checks made.
        public static let driftChecks = "cairn_drift_checks_total"
        /// Counter: drifted resources found, by `type`.
        public static let driftFound = "cairn_drift_found_total"
        /// Gauge: drifted resources found by the latest check.
        public static let drifted = "cairn_drifted_resources"
    }

    private let factory: any MetricsFactory
    private let operations = Mutex<[String: String]>([:])
    /// Handles made so far, by name and label values: a step costs dictionary lookups, not
    /// factory calls (which build and sanitize label strings under the backend's lock).
    private let counters = Mutex<[[String]: Counter]>([:])
    private let timers = Mutex<[[String]: Timer]>([:])
    private let inFlight = Mutex(0)
    private let inFlightGauge: Gauge

    /// An observer that records into `factory` (the global one by default).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        inFlightGauge = Gauge(label: Names.stepsInFlight, dimensions: [], factory: factory)
    }

    public func runStarted(runID: String, plan: Plan, operation: String) {
        operations.withLock { $0[runID] = operation }
    }

    public func stepStarted(_ step: Step, compensation: Bool) {
        inFlightGauge.record(inFlight.withLock { n in
            n += 1
            return n
        })
    }

    public func attemptFinished(_ step: Step, attempt: Int, error: ProviderError?, compensation: Bool) {
        counter(Names.attempts, [("type", step.type), ("action", step.action.rawValue), ("outcome", error == nil ? "ok" : "failed")])
            .increment()
    }

    public func stepRetrying(_ step: Step, event: RetryEvent, compensation: Bool) {
        counter(Names.retries, [("type", step.type), ("error_class", event.error.errorClass.rawValue)]).increment()
        if event.error.errorClass == .throttled {
            counter(Names.throttledWaits, [("type", step.type)]).increment()
            timer(Names.throttledWaitDuration, [("type", step.type)]).recordNanoseconds(Self.nanoseconds(event.delay))
        }
    }

    public func stepFinished(_ step: Step, outcome: StepOutcome, compensation: Bool) {
        if outcome.attempts > 0 {
            inFlightGauge.record(inFlight.withLock { n in
                n = max(0, n - 1)
                return n
            })
        }
        let phase = compensation ? RunPhase.compensation : RunPhase.forward
        counter(
            Names.steps,
            [("type", step.type), ("action", step.action.rawValue), ("outcome", outcome.status.rawValue), ("phase", phase.rawValue)]
        ).increment()
        if outcome.attempts > 0 {
            timer(Names.stepDuration, [("type", step.type), ("action", step.action.rawValue)])
                .recordNanoseconds(Self.nanoseconds(outcome.duration))
        }
        if compensation {
            counter(Names.compensations, [("type", step.type), ("outcome", outcome.status.rawValue)]).increment()
        }
    }

    public func runFinished(_ result: RunResult) {
        let operation = operations.withLock { $0.removeValue(forKey: result.runID) } ?? "apply"
        let dimensions = [("operation", operation), ("status", result.status.rawValue)]
        Counter(label: Names.runs, dimensions: dimensions, factory: factory).increment()
        Timer(label: Names.runDuration, dimensions: dimensions, factory: factory)
            .recordNanoseconds(Self.nanoseconds(result.duration))
    }

    public func runAborted(runID: String, error: any Error) {
        let operation = operations.withLock { $0.removeValue(forKey: runID) } ?? "apply"
        Counter(label: Names.runs, dimensions: [("operation", operation), ("status", "aborted")], factory: factory).increment()
        // Steps cut short when the run aborted (cancelled with it) do not report their end.
        inFlightGauge.record(inFlight.withLock { n in
            n = 0
            return n
        })
    }

    public func stepResolved(_ step: Step, applied: Bool) {
        counter(Names.resolutions, [("type", step.type), ("outcome", applied ? "applied" : "not_applied")]).increment()
    }

    public func driftChecked(checked: Int, driftedTypes: [String]) {
        Counter(label: Names.driftChecks, dimensions: [], factory: factory).increment()
        var byType: [String: Int] = [:]
        for type in driftedTypes { byType[type, default: 0] += 1 }
        for (type, count) in byType.sorted(by: { $0.key < $1.key }) {
            Counter(label: Names.driftFound, dimensions: [("type", type)], factory: factory).increment(by: count)
        }
        Gauge(label: Names.drifted, dimensions: [], factory: factory).record(driftedTypes.count)
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        Self.handle(in: counters, label, dimensions) { Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    private func timer(_ label: String, _ dimensions: [(String, String)]) -> Timer {
        Self.handle(in: timers, label, dimensions) { Timer(label: label, dimensions: dimensions, factory: factory) }
    }

    /// The handle `cache` holds for this name and these label values, made by `make` the first time.
    private static func handle<Handle>(
        in cache: borrowing Mutex<[[String]: Handle]>, _ label: String, _ dimensions: [(String, String)],
        make: () -> Handle
    ) -> Handle {
        let key = [label] + dimensions.map(\.1)
        return cache.withLock { handles in
            if let known = handles[key] { return known }
            let made = make()
            handles[key] = made
            return made
        }
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let (seconds, attoseconds) = d.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }
}
