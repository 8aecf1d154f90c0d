import Foundation
import Logging
import Synchronization

/// Runs a plan's steps as a dependency graph: bounded parallelism, per-type limits, retries,
/// step timeouts, and write-ahead journaling (each step's intent is durable before its
/// provider call starts; its outcome is made durable after, together with the state change).
///
/// Outcomes that arrive together, and the intents of the steps they unblock, are made durable
/// in one commit (group commit), so a wide stack costs far fewer commits than steps.
public struct Executor: Sendable {
    /// The long-lived parts an executor works with.
    public struct Configuration: Sendable {
        public var store: any StateStore
        public var registry: ProviderRegistry
        public var clock: any Clock<Duration>
        public var random: RandomSource
        public var now: @Sendable () -> Date
        public var observer: any RunObserver
        public var logger: Logger
        /// Whether the plan's step timeout is enforced (tests with an instant clock turn it off).
        public var enforceStepTimeouts: Bool

        public init(
            store: any StateStore, registry: ProviderRegistry, clock: any Clock<Duration> = ContinuousClock(),
            random: RandomSource = .system(), now: @escaping @Sendable () -> Date = { Date() },
            observer: any RunObserver = NoRunObserver(), logger: Logger = Logger(label: "cairn.executor"),
            enforceStepTimeouts: Bool = true
        ) {
            self.store = store
            self.registry = registry
            self.clock = clock
            self.random = random
            self.now = now
            self.observer = observer
            self.logger = logger
            self.enforceStepTimeouts = enforceStepTimeouts
        }
    }

    /// Per-run settings.
    public struct Options: Sendable {
        public var parallelism: Int
        public var failureMode: Stack.FailureMode?
        public var typeLimits: [String: Int]
        public var budget: RetryBudget
        /// Asks the run to stop starting steps (first SIGINT); the run ends `interrupted`.
        public var stop: StopRequest
        /// Decides, between groups of steps (``Step/group``), whether the run goes on.
        public var gate: (any StepGroupGate)?
        /// Puts each step in the group of its dependency level (``Step/groupedByLevel(_:)``), so
        /// that the gate is asked after every level (`--verify-each-level`).
        public var groupByLevel = false

        public init(
            parallelism: Int = 10, failureMode: Stack.FailureMode? = nil, typeLimits: [String: Int] = [:],
            budget: RetryBudget = RetryBudget(), stop: StopRequest = StopRequest(), gate: (any StepGroupGate)? = nil
        ) {
            self.gate = gate
            self.parallelism = parallelism
            self.failureMode = failureMode
            self.typeLimits = typeLimits
            self.budget = budget
            self.stop = stop
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// Applies `plan` to `state` as a new run `runID` under `lease`. The run row, the plan,
    /// every intent and outcome and the final status are journaled; state advances only from
    /// durable outcomes.
    public func run(
        plan: Plan, state: StackState, runID: String, lease: Lease, operation: String = "apply",
        options: Options = Options()
    ) async throws -> RunResult {
        let record = RunRecord(
            runID: runID, stack: plan.stack, status: .running, operation: operation, startedAt: configuration.now())
        var journal = RunJournal(configuration: configuration, stack: plan.stack, runID: runID, fencingToken: lease.fencingToken)
        journal.batch.run = record
        let planJSON = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        journal.event(
            .runStarted,
            detail: ["operation": .string(operation), "serial": .int(Int(plan.serial)), "plan": .string(planJSON)])
        var live = state
        configuration.observer.runStarted(runID: runID, plan: plan, operation: operation)
        return try await reportingAbort(runID: runID) {
            try await drive(
                plan: plan, state: &live, record: record, journal: &journal, alreadySucceeded: [], options: options)
        }
    }

    /// Runs `body`, telling observers the run aborted if it throws (the run then has no final
    /// status: no `runFinished` comes).
    func reportingAbort<T>(runID: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            configuration.observer.runAborted(runID: runID, error: error)
            throw error
        }
    }

    /// The forward pass over a plan's steps and, when it fails under `rollback`, the
    /// compensation of what it completed; then the run's final status. The caller has told
    /// observers the run started.
    func drive(
        plan: Plan, state live: inout StackState, record: RunRecord, journal: inout RunJournal,
        alreadySucceeded: Set<String>, options: Options
    ) async throws -> RunResult {
        let started = configuration.now()
        let mode = options.failureMode ?? plan.onFailure
        let steps = options.groupByLevel ? Step.groupedByLevel(Step.steps(of: plan)) : Step.steps(of: plan)
        let done = Set(steps.filter { alreadySucceeded.contains($0.key) }.map(\.index))
        // Rollout waves are data in the plan: their gate runs whatever the caller passed.
        let waveGate = WaveGate(plan: plan, steps: steps, inner: options.gate)
        var options = options
        if let waveGate { options.gate = waveGate }
        var forwardLoop = loop(
            steps: steps, mode: mode, options: options, plan: plan, runID: record.runID, compensation: false, done: done)
        configuration.observer.phaseStarted(.forward, runID: record.runID, steps: steps.count - done.count)
        let forward = try await forwardLoop.run(state: &live, journal: &journal)
        configuration.observer.phaseFinished(.forward, runID: record.runID)

        var result = RunResult(
            runID: record.runID, status: .succeeded, summary: Plan.Summary(), retries: forward.retries, compensated: 0,
            duration: .zero, failures: forward.failures, notRun: forward.notRun, remaining: [], serial: live.serial)
        for i in forward.succeeded where !steps[i].address.hasSuffix(Step.deposedSuffix) {
            result.summary[steps[i].action] += 1
        }
        let halt = forward.halt ?? finalWaveHalt(waveGate, forward: forward, journal: &journal)
        result.waves = Self.waveReports(plan: plan, steps: steps, statuses: forward.statuses, halt: halt)
        if forward.stopped && forward.failures.isEmpty && halt == nil {
            result.status = .interrupted
        } else if let halt {
            result.failures.append(Self.gateFailure(halt))
        }
        if !result.failures.isEmpty && result.status != .interrupted {
            switch mode {
            case _ where halt == nil && Self.onlyTolerated(forward.failures, steps: steps):
                // Fleet members failed within their waves' thresholds: nothing halts, nothing is undone.
                result.status = .failed
            case .halt: result.status = .halted
            case .continue: result.status = .failed
            case .rollback:
                var completed = steps.filter { done.contains($0.index) } + forward.succeeded.map { steps[$0] }
                if let from = halt?.decision.rollbackFromGroup { completed = completed.filter { $0.group >= from } }
                try await compensate(completed, plan: plan, state: &live, journal: &journal, options: options, into: &result)
                // `rollback: wave` undid the failed wave only; the waves before it stay.
                if halt?.decision.rollbackFromGroup != nil && result.status == .rolledBack { result.status = .halted }
            }
        }
        return try await finish(record, result: result, state: live, journal: &journal, started: started)
    }

    /// Undoes `completed` steps in reverse dependency order; sets the result's status to
    /// `rolled_back`, or `rollback_failed` with what still exists.
    func compensate(
        _ completed: [Step], plan: Plan, state live: inout StackState, journal: inout RunJournal, options: Options,
        into result: inout RunResult
    ) async throws {
        let undo = Compensation.steps(undoing: completed, state: live)
        var back = loop(
            steps: undo, mode: .continue, options: options, plan: plan, runID: journal.runID, compensation: true, done: [])
        configuration.observer.phaseStarted(.compensation, runID: journal.runID, steps: undo.count)
        let outcome = try await back.run(state: &live, journal: &journal)
        configuration.observer.phaseFinished(.compensation, runID: journal.runID)
        result.compensated += outcome.succeeded.count
        result.retries += outcome.retries
        result.remaining = outcome.failures + outcome.notRun.map {
            RunResult.Failure(
                address: $0, id: live.resources[$0]?.id, errorClass: "not_run",
                message: outcome.stopped ? "the rollback was interrupted first" : "a compensation it waits for failed")
        }
        result.status = result.remaining.isEmpty ? .rolledBack : .rollbackFailed
    }

    func loop(
        steps: [Step], mode: Stack.FailureMode, options: Options, plan: Plan, runID: String, compensation: Bool,
        done: Set<Int>
    ) -> StepLoop {
        let registry = configuration.registry
        let limits = options.typeLimits.merging(
            registry.types.compactMap { t in registry.schema(for: t)?.concurrencyLimit.map { (t, $0) } },
            uniquingKeysWith: { own, _ in own })
        return StepLoop(
            configuration: configuration, steps: steps,
            machine: ExecutionMachine(
                steps: steps, configuration: .init(parallelism: options.parallelism, typeLimits: limits, failureMode: mode),
                alreadySucceeded: done),
            budget: compensation ? RetryBudget(options.budget.configuration) : options.budget,
            timeout: configuration.enforceStepTimeouts ? plan.stepTimeout : nil, compensation: compensation,
            stack: plan.stack, runID: runID, stop: options.stop, gate: compensation ? nil : options.gate)
    }

    func finish(
        _ record: RunRecord, result: RunResult, state: StackState, journal: inout RunJournal, started: Date
    ) async throws -> RunResult {
        var result = result
        var record = record
        result.serial = state.serial
        result.duration = .milliseconds(Int64(configuration.now().timeIntervalSince(started) * 1000))
        record.status = result.status
        record.finishedAt = result.status == .interrupted ? nil : configuration.now()
        journal.batch.run = record
        journal.event(.runFinished, status: result.status.rawValue, detail: ["retries": .int(result.retries)])
        try await journal.flush()
        configuration.observer.runFinished(result)
        return result
    }
}

/// Decides between groups of steps whether a run goes on: after a dependency level is
/// verified, after a rollout wave stayed within its failure threshold.
public protocol StepGroupGate: Sendable {
    /// Called once every main-phase step of `group` finished; false halts the run there.
    func pass(group: Int, steps: [Step], state: StackState) async throws -> Bool
    /// The same decision with how each step ended, and a reason the run's report shows. The
    /// executor calls this one; by default it asks ``pass(group:steps:state:)``.
    func decide(_ finished: FinishedGroup, state: StackState) async throws -> GateDecision
}

extension StepGroupGate {
    /// The decision of ``pass(group:steps:state:)``, without a reason.
    public func decide(_ finished: FinishedGroup, state: StackState) async throws -> GateDecision {
        GateDecision(pass: try await pass(group: finished.group, steps: finished.steps, state: state))
    }
}

/// A request to stop a run gracefully: no new step starts; running ones finish.
public final class StopRequest: Sendable {
    private let requested = Mutex(false)
    public init() {}
    public func request() { requested.withLock { $0 = true } }
    public var isRequested: Bool { requested.withLock { $0 } }
}
