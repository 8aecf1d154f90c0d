import Dispatch
import Synchronization
import Tracing

/// Hands every hook on to `observer` from a thread of its own, in the order the hooks were
/// made, each with the time it was made (``RunEventTime/delivered``) and the service context
/// it was made in (`ServiceContext.current`: a run's span stays a child of the caller's). A
/// step then pays for being watched with an append to a buffer: the log records, spans and
/// metric updates are made beside the run, not in the steps' way.
///
/// The end of a run waits: ``runFinished(_:)``, ``runAborted(runID:error:)`` and
/// ``driftChecked(checked:driftedTypes:)`` return once everything made before them has been
/// delivered, so a caller that goes on to write a metrics file or flush an exporter sees the
/// whole run. When `limit` hooks are waiting (an observer slower than the run), the hook that
/// finds the buffer full waits for it to be delivered: nothing is dropped, and at most about
/// twice `limit` hooks are held (a full buffer, and the batch being delivered).
///
/// Waiting blocks the caller's thread while the queue's own thread delivers, so the wrapped
/// observer must not call back into this one, nor wait for work of Swift's concurrency pool
/// (log handlers, metrics backends and tracers hand their I/O off, and do not).
public final class QueuedRunObserver: RunObserver {
    private enum Hook: Sendable {
        case runStarted(runID: String, plan: Plan, operation: String)
        case runFinished(RunResult)
        case runAborted(runID: String, error: any Error)
        case stepResolving(Step)
        case stepResolved(Step, applied: Bool)
        case phaseStarted(RunPhase, runID: String, steps: Int)
        case phaseFinished(RunPhase, runID: String)
        case stepStarted(Step, compensation: Bool)
        case attemptStarted(Step, attempt: Int, compensation: Bool)
        case attemptFinished(Step, attempt: Int, error: ProviderError?, compensation: Bool)
        case stepRetrying(Step, event: RetryEvent, compensation: Bool)
        case stepFinished(Step, outcome: StepOutcome, compensation: Bool)
        case gateDecided(group: Int, decision: GateDecision)
        case driftChecked(checked: Int, driftedTypes: [String])
    }

    private struct Made {
        var time: RunEventTime
        var context: ServiceContext?
        var hook: Hook
    }

    private struct Pending {
        var hooks: [Made] = []
        /// True from the moment a drain is queued until it finds nothing left.
        var draining = false
    }

    /// The observer hooks are handed to.
    public let observer: any RunObserver
    private let limit: Int
    private let pending = Mutex(Pending())
    private let queue = DispatchQueue(label: "cairn.run-observers")
    private let batchWindow: DispatchTimeInterval

    /// An observer that hands hooks on to `observer` from its own thread, holding at most
    /// `limit` of them, and delivering them at most `batchWindow` after they were made (less
    /// when a run ends or the buffer fills).
    public init(_ observer: any RunObserver, limit: Int = 65_536, batchWindow: Duration = .milliseconds(2)) {
        self.observer = observer
        self.limit = max(1, limit)
        self.batchWindow = Self.interval(batchWindow)
    }

    /// Returns once every hook made before the call has been delivered.
    public func flush() {
        // A drain under way finishes first (the queue is serial); what it left is delivered here.
        queue.sync { deliverWaiting() }
    }

    /// Like ``flush()``, but gives up after `timeout`: for a process about to exit at once.
    /// Returns true when everything was delivered in time.
    @discardableResult
    public func flush(waitingAtMost timeout: Duration) -> Bool {
        let done = DispatchSemaphore(value: 0)
        queue.async {
            self.deliverWaiting()
            done.signal()
        }
        return done.wait(timeout: .now() + Self.interval(timeout)) == .success
    }

    public func runStarted(runID: String, plan: Plan, operation: String) {
        enqueue(.runStarted(runID: runID, plan: plan, operation: operation))
    }

    public func runFinished(_ result: RunResult) {
        enqueue(.runFinished(result))
        flush()
    }

    public func runAborted(runID: String, error: any Error) {
        enqueue(.runAborted(runID: runID, error: error))
        flush()
    }

    public func stepResolving(_ step: Step) { enqueue(.stepResolving(step)) }

    public func stepResolved(_ step: Step, applied: Bool) { enqueue(.stepResolved(step, applied: applied)) }

    public func phaseStarted(_ phase: RunPhase, runID: String, steps: Int) {
        enqueue(.phaseStarted(phase, runID: runID, steps: steps))
    }

    public func phaseFinished(_ phase: RunPhase, runID: String) { enqueue(.phaseFinished(phase, runID: runID)) }

    public func stepStarted(_ step: Step, compensation: Bool) {
        enqueue(.stepStarted(step, compensation: compensation))
    }

    public func attemptStarted(_ step: Step, attempt: Int, compensation: Bool) {
        enqueue(.attemptStarted(step, attempt: attempt, compensation: compensation))
    }

    public func attemptFinished(_ step: Step, attempt: Int, error: ProviderError?, compensation: Bool) {
        enqueue(.attemptFinished(step, attempt: attempt, error: error, compensation: compensation))
    }

    public func stepRetrying(_ step: Step, event: RetryEvent, compensation: Bool) {
        enqueue(.stepRetrying(step, event: event, compensation: compensation))
    }

    public func stepFinished(_ step: Step, outcome: StepOutcome, compensation: Bool) {
        enqueue(.stepFinished(step, outcome: outcome, compensation: compensation))
    }

    public func gateDecided(group: Int, decision: GateDecision) {
        enqueue(.gateDecided(group: group, decision: decision))
    }

    public func driftChecked(checked: Int, driftedTypes: [String]) {
        enqueue(.driftChecked(checked: checked, driftedTypes: driftedTypes))
        flush()
    }

    private func enqueue(_ hook: Hook) {
        // `now`, not the present: a queue behind another keeps the first one's times.
        let made = Made(time: RunEventTime.now, context: ServiceContext.current, hook: hook)
        let (start, full) = pending.withLock { p -> (Bool, Bool) in
            p.hooks.append(made)
            let full = p.hooks.count >= limit
            if p.draining { return (false, full) }
            p.draining = true
            return (true, full)
        }
        // The first hook into an empty buffer schedules a drain a little later, so that the
        // hooks of that moment are delivered together: one wake-up of the thread per batch,
        // not one per hook.
        if start { queue.asyncAfter(deadline: .now() + batchWindow) { self.drain() } }
        if full { flush() }
    }

    /// Delivers what waits, a batch at a time, until nothing does, and then lets the next
    /// hook schedule a drain. Runs on `queue` only. (Several drains may be scheduled at once;
    /// one that finds nothing to do is harmless.)
    private func drain() {
        while true {
            let batch = pending.withLock { p -> [Made] in
                if p.hooks.isEmpty { p.draining = false }
                defer { p.hooks = [] }
                return p.hooks
            }
            if batch.isEmpty { return }
            deliver(batch)
        }
    }

    /// Delivers what waits now, once (a drain stays scheduled). Runs on `queue` only.
    private func deliverWaiting() {
        deliver(pending.withLock { p in
            defer { p.hooks = [] }
            return p.hooks
        })
    }

    private func deliver(_ batch: [Made]) {
        for made in batch {
            ServiceContext.withValue(made.context) {
                RunEventTime.$delivered.withValue(made.time) { deliver(made.hook) }
            }
        }
    }

    /// `duration` for Dispatch, at most a day.
    private static func interval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        guard seconds < 86_400 else { return .seconds(86_400) }
        return .nanoseconds(Int(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)))
    }

    private func deliver(_ hook: Hook) {
        switch hook {
        case .runStarted(let runID, let plan, let operation): observer.runStarted(runID: runID, plan: plan, operation: operation)
        case .runFinished(let result): observer.runFinished(result)
        case .runAborted(let runID, let error): observer.runAborted(runID: runID, error: error)
        case .stepResolving(let step): observer.stepResolving(step)
        case .stepResolved(let step, let applied): observer.stepResolved(step, applied: applied)
        case .phaseStarted(let phase, let runID, let steps): observer.phaseStarted(phase, runID: runID, steps: steps)
        case .phaseFinished(let phase, let runID): observer.phaseFinished(phase, runID: runID)
        case .stepStarted(let step, let compensation): observer.stepStarted(step, compensation: compensation)
        case .attemptStarted(let step, let attempt, let compensation):
            observer.attemptStarted(step, attempt: attempt, compensation: compensation)
        case .attemptFinished(let step, let attempt, let error, let compensation):
            observer.attemptFinished(step, attempt: attempt, error: error, compensation: compensation)
        case .stepRetrying(let step, let event, let compensation):
            observer.stepRetrying(step, event: event, compensation: compensation)
        case .stepFinished(let step, let outcome, let compensation):
            observer.stepFinished(step, outcome: outcome, compensation: compensation)
        case .gateDecided(let group, let decision): observer.gateDecided(group: group, decision: decision)
        case .driftChecked(let checked, let driftedTypes): observer.driftChecked(checked: checked, driftedTypes: driftedTypes)
        }
    }
}
