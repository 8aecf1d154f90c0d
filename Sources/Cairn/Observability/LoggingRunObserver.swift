import Foundation
import Logging
import Synchronization

/// Writes a run as structured log records through a `Logger` (the library never bootstraps
/// logging: the caller's logger decides where records go and in what format).
///
/// Every record of a step carries the same metadata keys: `run_id`, `step` (the step's index
/// in its phase), `phase`, `address`, `type`, `action`, `attempt`, `outcome` (`started`,
/// `retrying`, `ok`, `failed`, `unchanged`, `skipped`; `applied` / `not_applied` for a step
/// resolved after a crash), `error_class` (`none` when there is no error) and `duration_ms`.
/// Levels: step starts and tries at `debug`; retries at `warning`; finished and resolved steps
/// at `info` (`error` when failed); the resolution and compensation phases at `notice`; a run
/// aborted by an error at `error`.
///
/// Watches one run at a time. Sensitive values are scrubbed from messages by `redactor`
/// (extended with what each run's plan marks sensitive).
public final class LoggingRunObserver: RunObserver {
    private struct State {
        var runID = "-"
        var redactor: Redactor
        var started: [StepKey: ContinuousClock.Instant] = [:]
    }

    private let logger: Logger
    private let baseRedactor: Redactor
    private let state: Mutex<State>

    /// An observer that logs to `logger`, hiding what `redactor` says is sensitive.
    public init(logger: Logger = Logger(label: "cairn.run"), redactor: Redactor = Redactor()) {
        self.logger = logger
        self.baseRedactor = redactor
        self.state = Mutex(State(redactor: redactor))
    }

    public func runStarted(runID: String, plan: Plan, operation: String) {
        let redactor = baseRedactor.including(plan)
        state.withLock {
            $0 = State(runID: runID, redactor: redactor)
        }
        let s = plan.summary
        logger.info(
            "run started",
            metadata: [
                "run_id": "\(runID)", "stack": "\(plan.stack)", "operation": "\(operation)",
                "changes": "\(s.create + s.update + s.replace + s.delete)", "serial": "\(plan.serial)",
            ])
    }

    public func phaseStarted(_ phase: RunPhase, runID: String, steps: Int) {
        let (level, message): (Logger.Level, Logger.Message) =
            switch phase {
            case .forward: (.debug, "phase started")
            case .compensation: (.notice, "compensation started: undoing completed steps")
            case .resolution: (.notice, "resolving the steps a crash left in doubt before anything repeats")
            }
        logger.log(level: level, message, metadata: ["run_id": "\(runID)", "phase": "\(phase.rawValue)", "steps": "\(steps)"])
    }

    public func phaseFinished(_ phase: RunPhase, runID: String) {
        logger.debug("phase finished", metadata: ["run_id": "\(runID)", "phase": "\(phase.rawValue)"])
    }

    public func stepStarted(_ step: Step, compensation: Bool) {
        let key = Self.key(step, compensation)
        let runID = state.withLock { s in
            s.started[key] = RunEventTime.now.instant
            return s.runID
        }
        logger.debug(
            compensation ? "compensation started" : "step started",
            metadata: metadata(step, runID: runID, compensation: compensation, attempt: 1, outcome: "started", duration: .zero))
    }

    public func attemptFinished(_ step: Step, attempt: Int, error: ProviderError?, compensation: Bool) {
        guard logger.logLevel <= .debug else { return }
        let (runID, elapsed) = context(step, compensation)
        var meta = metadata(
            step, runID: runID, compensation: compensation, attempt: attempt, outcome: error == nil ? "ok" : "failed",
            errorClass: error?.errorClass.rawValue, duration: elapsed)
        if let error { meta["error"] = "\(scrub(error.description))" }
        logger.debug("attempt finished", metadata: meta)
    }

    public func stepRetrying(_ step: Step, event: RetryEvent, compensation: Bool) {
        let (runID, elapsed) = context(step, compensation)
        var meta = metadata(
            step, runID: runID, compensation: compensation, attempt: event.attempt, outcome: "retrying",
            errorClass: event.error.errorClass.rawValue, duration: elapsed)
        meta["delay_ms"] = "\(Self.milliseconds(event.delay))"
        meta["error"] = "\(scrub(event.error.description))"
        logger.warning("attempt \(event.attempt) failed; retrying", metadata: meta)
    }

    public func stepFinished(_ step: Step, outcome: StepOutcome, compensation: Bool) {
        let runID = state.withLock { s in
            s.started[Self.key(step, compensation)] = nil
            return s.runID
        }
        var meta = metadata(
            step, runID: runID, compensation: compensation, attempt: outcome.attempts, outcome: outcome.status.rawValue,
            errorClass: outcome.error?.last.errorClass.rawValue, duration: outcome.duration)
        let verb = compensation ? "compensation" : "step"
        if let error = outcome.error {
            meta["error"] = "\(scrub(error.description))"
            meta["reason"] = "\(error.reason.rawValue)"
            logger.error("\(verb) failed", metadata: meta)
        } else {
            if let id = outcome.id { meta["id"] = "\(id)" }
            logger.info(outcome.status == .unchanged ? "\(verb) unchanged" : "\(verb) succeeded", metadata: meta)
        }
    }

    public func runFinished(_ result: RunResult) {
        let meta: Logger.Metadata = [
            "run_id": "\(result.runID)", "status": "\(result.status.rawValue)",
            "duration_ms": "\(Self.milliseconds(result.duration))", "retries": "\(result.retries)",
            "compensated": "\(result.compensated)", "failures": "\(result.failures.count)",
        ]
        if result.status == .succeeded {
            logger.info("run finished", metadata: meta)
        } else {
            logger.error("run finished", metadata: meta)
        }
    }

    public func runAborted(runID: String, error: any Error) {
        logger.error(
            "run aborted: it stays unfinished; `cairn resume` continues it, `cairn rollback` undoes it",
            metadata: [
                "run_id": .string(runID), "status": "aborted",
                "error": .string(scrub("\(error)")),
            ])
    }

    public func stepResolving(_ step: Step) {
        let runID = state.withLock { s in
            s.started[Self.key(step, false)] = RunEventTime.now.instant
            return s.runID
        }
        var meta = metadata(step, runID: runID, compensation: nil, attempt: 0, outcome: "resolving", duration: .zero)
        meta["phase"] = .string(RunPhase.resolution.rawValue)
        logger.debug("resolving in-doubt step", metadata: meta)
    }

    public func stepResolved(_ step: Step, applied: Bool) {
        let (runID, started) = state.withLock { s in (s.runID, s.started.removeValue(forKey: Self.key(step, false))) }
        var meta = metadata(
            step, runID: runID, compensation: nil, attempt: 0, outcome: applied ? "applied" : "not_applied",
            duration: started.map { $0.duration(to: RunEventTime.now.instant) } ?? .zero)
        meta["phase"] = .string(RunPhase.resolution.rawValue)
        logger.info(
            applied ? "in-doubt step had taken effect: recorded as done" : "in-doubt step had not taken effect: it runs again",
            metadata: meta)
    }

    public func driftChecked(checked: Int, driftedTypes: [String]) {
        let meta: Logger.Metadata = ["checked": "\(checked)", "drifted": "\(driftedTypes.count)"]
        if driftedTypes.isEmpty {
            logger.info("drift check: in sync", metadata: meta)
        } else {
            logger.warning("drift check: drift found", metadata: meta)
        }
    }

    private func metadata(
        _ step: Step, runID: String, compensation: Bool?, attempt: Int, outcome: String, errorClass: String? = nil,
        duration: Duration
    ) -> Logger.Metadata {
        var meta: Logger.Metadata = [
            "run_id": .string(runID), "step": .stringConvertible(step.index), "address": .string(step.address),
            "type": .string(step.type), "action": .string(step.action.rawValue), "attempt": .stringConvertible(attempt),
            "outcome": .string(outcome), "error_class": .string(errorClass ?? "none"),
            "duration_ms": .stringConvertible(Self.milliseconds(duration)),
        ]
        if let compensation {
            meta["phase"] = .string(compensation ? RunPhase.compensation.rawValue : RunPhase.forward.rawValue)
        }
        return meta
    }

    /// The run id and the time since the step started.
    private func context(_ step: Step, _ compensation: Bool) -> (String, Duration) {
        state.withLock { s in
            let start = s.started[Self.key(step, compensation)]
            return (s.runID, start.map { $0.duration(to: RunEventTime.now.instant) } ?? .zero)
        }
    }

    private func scrub(_ text: String) -> String { state.withLock { $0.redactor }.scrub(text) }

    private static func key(_ step: Step, _ compensation: Bool) -> StepKey {
        StepKey(index: step.index, compensation: compensation)
    }

    static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
}
