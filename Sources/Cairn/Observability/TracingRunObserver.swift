import Instrumentation
import Synchronization
import Tracing

/// Traces a run through swift-distributed-tracing (the tracer defaults to the global one,
/// which the CLI sets to an OTLP exporter when `OTEL_EXPORTER_OTLP_ENDPOINT` is set).
///
/// The span tree: `cairn.run` > `cairn.phase` (`resolution` when a resumed or rolled-back run
/// had steps in doubt, `forward`, then `compensation` when a failed run is rolled back) >
/// `cairn.resolve`, `cairn.step` (or `cairn.compensate`) > `cairn.attempt`, one per try of the
/// provider call; the gaps between attempts are the backoff waits, and each retry is
/// an event (`retry`) on its step with the error class and delay. Failed attempts and steps
/// record their error (scrubbed of secrets) and end with an error status.
///
/// With ``AttemptSpans/whenRetried`` (the default) a step that succeeds at its first try has
/// no attempt span of its own (its step span is that try), which halves the spans of a healthy
/// run; a step with a failed try gets a span for every try.
///
/// Watches one run at a time; the run span's parent is the task's current context, if any.
public final class TracingRunObserver: RunObserver {
    /// Which tries get a `cairn.attempt` span.
    public enum AttemptSpans: Sendable {
        /// Every try.
        case always
        /// Every try of a step that had a failed one.
        case whenRetried
    }

    private struct State {
        var run: (any Span)?
        var phase: (any Span)?
        var steps: [StepKey: any Span] = [:]
        /// When each step started: its first try starts then (the executor calls the provider
        /// straight after telling observers the step started).
        var starts: [StepKey: DefaultTracerClock.Instant] = [:]
        var attempts: [StepKey: any Span] = [:]
        /// In-doubt steps being resolved, by index.
        var resolving: [Int: any Span] = [:]
        var redactor: Redactor
    }

    private let tracer: any Tracer
    private let baseRedactor: Redactor
    private let attemptSpans: AttemptSpans
    private let state: Mutex<State>

    /// An observer that starts spans on `tracer`, hiding what `redactor` says is sensitive.
    public init(
        tracer: any Tracer = InstrumentationSystem.tracer, redactor: Redactor = Redactor(),
        attemptSpans: AttemptSpans = .whenRetried
    ) {
        self.tracer = tracer
        self.baseRedactor = redactor
        self.attemptSpans = attemptSpans
        self.state = Mutex(State(redactor: redactor))
    }

    public func runStarted(runID: String, plan: Plan, operation: String) {
        let span = tracer.startSpan(
            "cairn.run", context: ServiceContext.current ?? .topLevel, ofKind: .internal, at: Self.now)
        span.updateAttributes { a in
            a["cairn.run_id"] = runID
            a["cairn.stack"] = plan.stack
            a["cairn.operation"] = operation
            a["cairn.plan.serial"] = Int(plan.serial)
            a["cairn.plan.changes"] = plan.changes.filter { $0.action != .noop }.count
        }
        let redactor = baseRedactor.including(plan)
        state.withLock { $0 = State(run: span, redactor: redactor) }
    }

    public func phaseStarted(_ phase: RunPhase, runID: String, steps: Int) {
        state.withLock { s in
            let span = tracer.startSpan(
                "cairn.phase", context: s.run?.context ?? ServiceContext.current ?? .topLevel, ofKind: .internal,
                at: Self.now)
            span.updateAttributes { a in
                a["cairn.phase"] = phase.rawValue
                a["cairn.steps"] = steps
            }
            s.phase = span
        }
    }

    public func phaseFinished(_ phase: RunPhase, runID: String) {
        let span = state.withLock { s in
            defer { s.phase = nil }
            return s.phase
        }
        span?.end(at: Self.now)
    }

    public func stepStarted(_ step: Step, compensation: Bool) {
        let now = Self.now
        // The span starts outside the lock: steps start from several tasks at once.
        let span = startStep(step, compensation: compensation, parent: state.withLock { Self.parent(of: $0) }, at: now)
        let key = Self.key(step, compensation)
        state.withLock { s in
            s.steps[key] = span
            s.starts[key] = now
        }
    }

    public func attemptStarted(_ step: Step, attempt: Int, compensation: Bool) {
        // A first try gets a span only once it has failed (see attemptFinished).
        if attempt == 1 && attemptSpans == .whenRetried { return }
        state.withLock { s in
            let key = Self.key(step, compensation)
            guard let parent = s.steps[key] else { return }
            let span = tracer.startSpan("cairn.attempt", context: parent.context, ofKind: .client, at: Self.now)
            span.attributes["cairn.attempt"] = attempt
            s.attempts[key] = span
        }
    }

    public func attemptFinished(_ step: Step, attempt: Int, error: ProviderError?, compensation: Bool) {
        let firstTry = attempt == 1 && attemptSpans == .whenRetried
        if firstTry && error == nil { return }
        let now = Self.now
        let (span, redactor) = state.withLock { s -> ((any Span)?, Redactor) in
            let key = Self.key(step, compensation)
            guard firstTry else { return (s.attempts.removeValue(forKey: key), s.redactor) }
            // A first try that failed gets its span after the fact, from when it started.
            guard let parent = s.steps[key] else { return (nil, s.redactor) }
            let span = tracer.startSpan(
                "cairn.attempt", context: parent.context, ofKind: .client, at: s.starts[key] ?? now)
            span.attributes["cairn.attempt"] = attempt
            return (span, s.redactor)
        }
        guard let span else { return }
        if let error {
            let shown = TracedError(error, redactor: redactor)
            span.attributes["cairn.error_class"] = error.errorClass.rawValue
            span.recordError(shown, attributes: [:], at: now)
            span.setStatus(SpanStatus(code: .error, message: shown.description))
        } else {
            span.setStatus(SpanStatus(code: .ok))
        }
        span.end(at: now)
    }

    public func stepRetrying(_ step: Step, event: RetryEvent, compensation: Bool) {
        let span = state.withLock { $0.steps[Self.key(step, compensation)] }
        span?.addEvent(
            SpanEvent(
                name: "retry", at: Self.now,
                attributes: [
                    "cairn.attempt": .int64(Int64(event.attempt)),
                    "cairn.error_class": .string(event.error.errorClass.rawValue),
                    "cairn.delay_ms": .int64(LoggingRunObserver.milliseconds(event.delay)),
                ]))
    }

    public func stepFinished(_ step: Step, outcome: StepOutcome, compensation: Bool) {
        let key = Self.key(step, compensation)
        let now = Self.now
        let (started, parent, redactor) = state.withLock { s in
            s.starts[key] = nil
            return (s.steps.removeValue(forKey: key), Self.parent(of: s), s.redactor)
        }
        let span = started ?? startStep(step, compensation: compensation, parent: parent, at: now)
        span.updateAttributes { a in
            a["cairn.outcome"] = outcome.status.rawValue
            a["cairn.attempts"] = outcome.attempts
        }
        if let failure = outcome.error {
            let shown = TracedError(failure.last, reason: failure.reason, redactor: redactor)
            span.attributes["cairn.error_class"] = failure.last.errorClass.rawValue
            span.recordError(shown, attributes: [:], at: now)
            span.setStatus(SpanStatus(code: .error, message: shown.description))
        }
        span.end(at: now)
    }

    public func runFinished(_ result: RunResult) {
        guard let run = endRun() else { return }
        run.updateAttributes { a in
            a["cairn.status"] = result.status.rawValue
            a["cairn.retries"] = result.retries
            a["cairn.compensated"] = result.compensated
            a["cairn.failures"] = result.failures.count
        }
        if result.status != .succeeded {
            run.setStatus(SpanStatus(code: .error, message: "run \(result.status.rawValue)"))
        }
        run.end(at: Self.now)
    }

    public func runAborted(runID: String, error: any Error) {
        let redactor = state.withLock { $0.redactor }
        guard let run = endRun(because: "the run aborted") else { return }
        let shown = TracedError(aborting: error, redactor: redactor)
        run.attributes["cairn.status"] = "aborted"
        let now = Self.now
        run.recordError(shown, attributes: [:], at: now)
        run.setStatus(SpanStatus(code: .error, message: "run aborted: \(shown.description)"))
        run.end(at: now)
    }

    public func stepResolving(_ step: Step) {
        let parent = state.withLock { Self.parent(of: $0) }
        let span = tracer.startSpan("cairn.resolve", context: parent, ofKind: .client, at: Self.now)
        span.updateAttributes { a in
            a["cairn.address"] = step.address
            a["cairn.type"] = step.type
            a["cairn.action"] = step.action.rawValue
        }
        state.withLock { $0.resolving[step.index] = span }
    }

    public func stepResolved(_ step: Step, applied: Bool) {
        guard let span = state.withLock({ $0.resolving.removeValue(forKey: step.index) }) else { return }
        span.attributes["cairn.resolution"] = applied ? "applied" : "not_applied"
        span.end(at: Self.now)
    }

    /// Forgets the run and ends the spans still open under it (with an error status saying
    /// `why`, when given); returns the run's span for the caller to finish.
    private func endRun(because why: String? = nil) -> (any Span)? {
        let (run, leftovers) = state.withLock { s in
            defer { s = State(redactor: s.redactor) }
            let open: [any Span] = Array(s.attempts.values) + Array(s.steps.values) + Array(s.resolving.values)
            return (s.run, open + (s.phase.map { [$0] } ?? []))
        }
        let now = Self.now
        for span in leftovers {
            if let why { span.setStatus(SpanStatus(code: .error, message: why)) }
            span.end(at: now)
        }
        return run
    }

    /// The context a step's span is a child of: the phase's, else the run's.
    private static func parent(of s: State) -> ServiceContext {
        s.phase?.context ?? s.run?.context ?? ServiceContext.current ?? .topLevel
    }

    private func startStep(
        _ step: Step, compensation: Bool, parent: ServiceContext, at instant: DefaultTracerClock.Instant
    ) -> any Span {
        let span = tracer.startSpan(
            compensation ? "cairn.compensate" : "cairn.step", context: parent, ofKind: .internal, at: instant)
        span.updateAttributes { a in
            a["cairn.address"] = step.address
            a["cairn.type"] = step.type
            a["cairn.action"] = step.action.rawValue
            a["cairn.step"] = step.index
            a["cairn.compensation"] = compensation
        }
        return span
    }

    private static func key(_ step: Step, _ compensation: Bool) -> StepKey {
        StepKey(index: step.index, compensation: compensation)
    }

    /// When the hook being handled was made (see ``RunEventTime``).
    private static var now: DefaultTracerClock.Instant { RunEventTime.now.tracerInstant }
}

/// Which step of a run an observer is following: its index in its phase, and the phase.
struct StepKey: Hashable {
    var index: Int
    var compensation: Bool
}

/// An error as a trace shows it: its class and its message, scrubbed of secrets.
struct TracedError: Error, CustomStringConvertible {
    var errorClass: String
    var description: String

    /// What stopped a run without a final status: a provider's error keeps its class; any
    /// other (the state store's, most often) is `internal`.
    init(aborting error: any Error, redactor: Redactor) {
        errorClass = (error as? ProviderError)?.errorClass.rawValue ?? "internal"
        description = redactor.scrub("\(error)")
    }

    init(_ error: ProviderError, reason: RetryFailure.Reason? = nil, redactor: Redactor) {
        errorClass = error.errorClass.rawValue
        let text = redactor.scrub(error.description)
        description = reason.map { "\(text) (\($0.rawValue))" } ?? text
    }
}
