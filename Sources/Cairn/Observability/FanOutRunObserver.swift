/// Passes every hook on to each of its observers, in order: the CLI's live progress, logs,
/// metrics and traces watch one run together.
public struct FanOutRunObserver: RunObserver {
    /// The observers, called in this order.
    public let observers: [any RunObserver]

    /// An observer that calls each of `observers` in turn.
    public init(_ observers: [any RunObserver]) { self.observers = observers }

    public func runStarted(runID: String, plan: Plan, operation: String) {
        for o in observers { o.runStarted(runID: runID, plan: plan, operation: operation) }
    }

    public func runFinished(_ result: RunResult) {
        for o in observers { o.runFinished(result) }
    }

    public func runAborted(runID: String, error: any Error) {
        for o in observers { o.runAborted(runID: runID, error: error) }
    }

    public func stepResolving(_ step: Step) {
        for o in observers { o.stepResolving(step) }
    }

    public func stepResolved(_ step: Step, applied: Bool) {
        for o in observers { o.stepResolved(step, applied: applied) }
    }

    public func phaseStarted(_ phase: RunPhase, runID: String, steps: Int) {
        for o in observers { o.phaseStarted(phase, runID: runID, steps: steps) }
    }

    public func phaseFinished(_ phase: RunPhase, runID: String) {
        for o in observers { o.phaseFinished(phase, runID: runID) }
    }

    public func stepStarted(_ step: Step, compensation: Bool) {
        for o in observers { o.stepStarted(step, compensation: compensation) }
    }

    public func attemptStarted(_ step: Step, attempt: Int, compensation: Bool) {
        for o in observers { o.attemptStarted(step, attempt: attempt, compensation: compensation) }
    }

    public func attemptFinished(_ step: Step, attempt: Int, error: ProviderError?, compensation: Bool) {
        for o in observers { o.attemptFinished(step, attempt: attempt, error: error, compensation: compensation) }
    }

    public func stepRetrying(_ step: Step, event: RetryEvent, compensation: Bool) {
        for o in observers { o.stepRetrying(step, event: event, compensation: compensation) }
    }

    public func stepFinished(_ step: Step, outcome: StepOutcome, compensation: Bool) {
        for o in observers { o.stepFinished(step, outcome: outcome, compensation: compensation) }
    }

    public func gateDecided(group: Int, decision: GateDecision) {
        for o in observers { o.gateDecided(group: group, decision: decision) }
    }

    public func driftChecked(checked: Int, driftedTypes: [String]) {
        for o in observers { o.driftChecked(checked: checked, driftedTypes: driftedTypes) }
    }
}
