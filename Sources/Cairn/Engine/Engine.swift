import Foundation
import Logging

/// The library's front door: plan, apply, destroy and inspect a stack. The CLI is a thin
/// layer over this; so can any other program be.
public struct Engine: Sendable {
    /// The long-lived parts an engine works with: what its executor uses (``execution``, whose
    /// fields read and write through the configuration itself: `configuration.store`,
    /// `configuration.observer`, ...) and what only the engine needs (leases, refresh).
    @dynamicMemberLookup
    public struct Configuration: Sendable {
        /// The store, providers, clocks, random source, observer, logger and step-timeout
        /// setting, handed as they are to each run's executor.
        public var execution: Executor.Configuration
        /// This host's name and this process's id, recorded in the lease.
        public var host: String
        public var pid: Int32
        public var leaseDuration: Duration
        /// Whether a process with this id runs on this host (a lease whose holder is gone is
        /// taken over at once).
        public var isProcessAlive: @Sendable (Int32) -> Bool
        /// How many provider reads a refresh runs at once.
        public var refreshParallelism: Int

        public init(
            store: any StateStore, registry: ProviderRegistry, clock: any Clock<Duration> = ContinuousClock(),
            random: RandomSource = .system(), now: @escaping @Sendable () -> Date = { Date() },
            observer: any RunObserver = NoRunObserver(), logger: Logger = Logger(label: "cairn"),
            host: String = ProcessInfo.processInfo.hostName, pid: Int32 = ProcessInfo.processInfo.processIdentifier,
            leaseDuration: Duration = .seconds(60),
            isProcessAlive: @escaping @Sendable (Int32) -> Bool = Engine.processIsAlive,
            enforceStepTimeouts: Bool = true, refreshParallelism: Int = 16
        ) {
            execution = Executor.Configuration(
                store: store, registry: registry, clock: clock, random: random, now: now, observer: observer,
                logger: logger, enforceStepTimeouts: enforceStepTimeouts)
            self.host = host
            self.pid = pid
            self.leaseDuration = leaseDuration
            self.isProcessAlive = isProcessAlive
            self.refreshParallelism = refreshParallelism
        }

        /// The executor's settings, as if they were the engine's own.
        public subscript<T>(dynamicMember path: WritableKeyPath<Executor.Configuration, T>) -> T {
            get { execution[keyPath: path] }
            set { execution[keyPath: path] = newValue }
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// True when `pid` names a live process on this host (signal 0 probes without sending).
    /// A process that has exited but is not yet reaped (a zombie, state `Z` in
    /// `/proc/PID/stat` on Linux) holds nothing and counts as gone.
    public static func processIsAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        // "PID (COMMAND) STATE ...": the command may hold spaces and parentheses, the state follows the last ')'.
        return stat[stat.index(after: close)...].split(separator: " ", maxSplits: 1).first != "Z"
    }

    /// Plans the changes that bring the world to `stack`. With `refresh`, the recorded
    /// resources are read through their providers first (in parallel).
    public func plan(_ stack: Stack, refresh: Bool = true) async throws -> Plan {
        let recorded = try await configuration.store.state(stack: stack.name)
        guard refresh else { return try Planner(registry: configuration.registry).plan(stack, state: recorded) }
        let refreshed = try await self.refresh(recorded, ignore: stack.ignoredDrift)
        var plan = try Planner(registry: configuration.registry).plan(stack, state: refreshed)
        plan.markChangedOutside(recorded: recorded, refreshed: refreshed)
        return plan
    }

    /// Plans the deletion of everything recorded for the stack.
    public func destroyPlan(_ stack: Stack, refresh: Bool = true) async throws -> Plan {
        var state = try await configuration.store.state(stack: stack.name)
        if refresh { state = try await self.refresh(state) }
        return try Planner(registry: configuration.registry).destroyPlan(stack: stack, state: state)
    }

    /// Applies a plan: takes the stack's lease (or throws ``LeaseConflict``), refuses the plan
    /// when the state moved on since it was made (``StalePlan``), runs it, gives the lease back.
    public func apply(_ plan: Plan, options: Executor.Options = Executor.Options(), operation: String? = nil) async throws -> RunResult {
        let runID = newRunID()
        let lease = try await acquireLease(stack: plan.stack, holder: "cairn \(operation ?? (plan.isDestroy ? "destroy" : "apply")) (run \(runID))")
        do {
            if let unfinished = try await unfinishedRun(stack: plan.stack) { throw UnfinishedRun(run: unfinished) }
            let state = try await configuration.store.state(stack: plan.stack)
            guard state.serial == plan.serial else {
                throw StalePlan(stack: plan.stack, planSerial: plan.serial, stateSerial: state.serial)
            }
            let result = try await withLeaseHeartbeat(lease) {
                try await Executor(configuration: configuration.execution).run(
                    plan: plan, state: state, runID: runID, lease: lease,
                    operation: operation ?? (plan.isDestroy ? "destroy" : "apply"), options: options)
            }
            try? await configuration.store.releaseLease(lease)
            return result
        } catch {
            try? await configuration.store.releaseLease(lease)
            throw error
        }
    }

    /// A new run id: time-ordered, with random bits from the injected source.
    func newRunID() -> String {
        let stamp = Int64(configuration.now().timeIntervalSince1970 * 1000)
        return "r" + String(stamp, radix: 36) + "-" + configuration.random.hex(bytes: 4)
    }

    /// Takes the stack's lease for this process.
    public func acquireLease(stack: String, holder: String) async throws -> Lease {
        let host = configuration.host
        let alive = configuration.isProcessAlive
        return try await configuration.store.acquireLease(
            LeaseRequest(
                stack: stack, holder: holder, host: host, pid: configuration.pid, now: configuration.now(),
                duration: configuration.leaseDuration,
                mayTakeOver: { existing in existing.host == host && !alive(existing.pid) }))
    }

    /// Runs `body` while a background task pushes the lease's expiry forward.
    func withLeaseHeartbeat<T: Sendable>(_ lease: Lease, _ body: @Sendable () async throws -> T) async throws -> T {
        let store = configuration.store
        let now = configuration.now
        let every = configuration.leaseDuration / 3
        let duration = configuration.leaseDuration.timeInterval
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                var current = lease
                while !Task.isCancelled {
                    try? await Task.sleep(for: every)
                    if Task.isCancelled { break }
                    guard let renewed = try? await store.renewLease(current, until: now().addingTimeInterval(duration)) else { break }
                    current = renewed
                }
                return nil
            }
            let value = try await body()
            group.cancelAll()
            return value
        }
    }
}

/// Thrown when a saved plan was made from a state serial other than the current one.
public struct StalePlan: Error, Sendable, CustomStringConvertible {
    public var stack: String
    public var planSerial: Int64
    public var stateSerial: Int64
    public var description: String {
        "the saved plan is stale: it was made from state serial \(planSerial) of stack '\(stack)', "
            + "but the state is now at serial \(stateSerial). Run `cairn plan --out` again and apply the new plan."
    }
}
