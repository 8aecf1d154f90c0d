import Foundation
import Logging

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

        public init(
            parallelism: Int = 10, failureMode: Stack.FailureMode? = nil, typeLimits: [String: Int] = [:],
            budget: RetryBudget = RetryBudget()
        ) {
            self.parallelism = parallelism
            self.failureMode = failureMode
            self.typeLimits = typeLimits
            self.budget = budget
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// Applies `plan` to `state` as run `runID` under `lease`. The run row, every intent and
    /// outcome and the final status are journaled; state advances only from durable outcomes.
    public func run(
        plan: Plan, state: StackState, runID: String, lease: Lease, operation: String = "apply",
        options: Options = Options()
    ) async throws -> RunResult {
        let started = configuration.now()
        let mode = options.failureMode ?? plan.onFailure
        var record = RunRecord(
            runID: runID, stack: plan.stack, status: .running, operation: operation, startedAt: configuration.now())
        var journal = RunJournal(
            configuration: configuration, stack: plan.stack, runID: runID, fencingToken: lease.fencingToken)
        journal.batch.run = record
        journal.event(.runStarted, detail: ["operation": .string(operation), "serial": .int(Int(plan.serial))])
        try await journal.flush()

        var live = state
        let steps = Step.steps(of: plan)
        let limits = options.typeLimits.merging(
            configuration.registry.types.compactMap { t in configuration.registry.schema(for: t)?.concurrencyLimit.map { (t, $0) } },
            uniquingKeysWith: { own, _ in own })
        let machineConfiguration = ExecutionMachine.Configuration(
            parallelism: options.parallelism, typeLimits: limits, failureMode: mode)
        let timeout = configuration.enforceStepTimeouts ? plan.stepTimeout : nil
        var forwardLoop = StepLoop(
            configuration: configuration, steps: steps, machine: ExecutionMachine(steps: steps, configuration: machineConfiguration),
            budget: options.budget, timeout: timeout, compensation: false, stack: plan.stack, runID: runID)
        let forward = try await forwardLoop.run(state: &live, journal: &journal)

        var result = RunResult(
            runID: runID, status: .succeeded, summary: Plan.Summary(), retries: forward.retries, compensated: 0,
            duration: .zero, failures: forward.failures, notRun: forward.notRun, remaining: [], serial: live.serial)
        for i in forward.succeeded where !steps[i].address.hasSuffix(Step.deposedSuffix) {
            result.summary[steps[i].action] += 1
        }

        if !forward.failures.isEmpty {
            switch mode {
            case .halt: result.status = .halted
            case .continue: result.status = .failed
            case .rollback:
                let undo = Compensation.steps(undoing: forward.succeeded.map { steps[$0] }, state: live)
                var backLoop = StepLoop(
                    configuration: configuration, steps: undo,
                    machine: ExecutionMachine(
                        steps: undo,
                        configuration: .init(parallelism: options.parallelism, typeLimits: limits, failureMode: .continue)),
                    budget: RetryBudget(options.budget.configuration), timeout: timeout, compensation: true,
                    stack: plan.stack, runID: runID)
                let back = try await backLoop.run(state: &live, journal: &journal)
                result.compensated = back.succeeded.count
                result.retries += back.retries
                result.remaining = back.failures + back.notRun.map {
                    RunResult.Failure(address: $0, id: live.resources[$0]?.id, errorClass: "not_run", message: "a compensation it waits for failed")
                }
                result.status = back.failures.isEmpty && back.notRun.isEmpty ? .rolledBack : .rollbackFailed
            }
        }
        result.serial = live.serial
        result.duration = .milliseconds(Int64(configuration.now().timeIntervalSince(started) * 1000))
        record.status = result.status
        record.finishedAt = configuration.now()
        journal.batch.run = record
        journal.event(.runFinished, status: result.status.rawValue, detail: ["retries": .int(result.retries)])
        try await journal.flush()
        return result
    }

}
