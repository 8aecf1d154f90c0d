import Cairn
import Foundation
import Synchronization

/// Thrown by the crash-simulation wrappers once the simulated process has died.
public struct SimulatedCrash: Error, Sendable, CustomStringConvertible {
    public var description: String { "simulated crash" }
}

/// The switch a simulated crash flips: once it is off, the store refuses every write and the
/// gated providers refuse every call, as if the process were gone.
public final class CrashSwitch: Sendable {
    private let state = Mutex<(commits: Int, crashed: Bool)>((0, false))
    /// Crash right after this many durable commits (nil: never, by commit count).
    public let afterCommits: Int?

    public init(afterCommits: Int? = nil) { self.afterCommits = afterCommits }

    public var crashed: Bool { state.withLock { $0.crashed } }
    public var commits: Int { state.withLock { $0.commits } }
    public func crash() { state.withLock { $0.crashed = true } }

    /// Called before a commit: throws when the process is already dead.
    func beforeCommit() throws {
        if crashed { throw SimulatedCrash() }
    }

    /// Called after a commit became durable: the process may die right here.
    func afterCommit() {
        state.withLock { s in
            s.commits += 1
            if let limit = afterCommits, s.commits >= limit { s.crashed = true }
        }
    }
}

/// A store whose process dies right after the k-th durable write: that write is kept, every
/// later write is refused. Reads still work (they are how recovery looks at what is left).
public final class CrashingStore: StateStore {
    public let inner: any StateStore
    public let crashSwitch: CrashSwitch

    public init(_ inner: any StateStore, crashSwitch: CrashSwitch) {
        self.inner = inner
        self.crashSwitch = crashSwitch
    }

    public func state(stack: String) async throws -> StackState { try await inner.state(stack: stack) }

    public func commit(_ batch: JournalBatch) async throws -> Int64 {
        try crashSwitch.beforeCommit()
        let serial = try await inner.commit(batch)
        crashSwitch.afterCommit()
        return serial
    }

    public func acquireLease(_ request: LeaseRequest) async throws -> Lease {
        try crashSwitch.beforeCommit()
        return try await inner.acquireLease(request)
    }

    public func renewLease(_ lease: Lease, until: Date) async throws -> Lease {
        try crashSwitch.beforeCommit()
        return try await inner.renewLease(lease, until: until)
    }

    public func releaseLease(_ lease: Lease) async throws {
        try crashSwitch.beforeCommit()
        try await inner.releaseLease(lease)
    }

    public func lease(stack: String) async throws -> Lease? { try await inner.lease(stack: stack) }
    public func breakLease(stack: String) async throws {
        try crashSwitch.beforeCommit()
        try await inner.breakLease(stack: stack)
    }
    public func runs(stack: String, limit: Int) async throws -> [RunRecord] { try await inner.runs(stack: stack, limit: limit) }
    public func events(runID: String) async throws -> [JournalEvent] { try await inner.events(runID: runID) }
}

/// A provider that stops reaching the world once the process died, and can kill the process
/// inside the ambiguous window of its n-th mutating call: before the call is applied, or
/// after it was applied but before its answer returns.
public final class CrashGateProvider: Provider {
    /// Where in the n-th mutating call the process dies.
    public enum Window: String, Sendable, CaseIterable {
        case beforeApplied = "not applied"
        case afterApplied = "applied, answer lost"
    }

    let inner: any Provider
    let crashSwitch: CrashSwitch
    let target: (call: Int, window: Window)?
    private let mutatingCalls = Mutex(0)

    public init(_ inner: any Provider, crashSwitch: CrashSwitch, crashInCall target: (call: Int, window: Window)? = nil) {
        self.inner = inner
        self.crashSwitch = crashSwitch
        self.target = target
    }

    public var schemas: [ResourceSchema] { inner.schemas }

    private func gate() throws {
        if crashSwitch.crashed { throw SimulatedCrash() }
    }

    private func mutate<T: Sendable>(_ call: () async throws -> T) async throws -> T {
        try gate()
        let n = mutatingCalls.withLock { $0 += 1; return $0 }
        if let target, target.call == n, target.window == .beforeApplied {
            crashSwitch.crash()
            throw SimulatedCrash()
        }
        let value = try await call()
        if let target, target.call == n, target.window == .afterApplied {
            crashSwitch.crash()
            throw SimulatedCrash()
        }
        try gate()
        return value
    }

    public func read(_ request: ReadRequest) async throws -> ResourceSnapshot? {
        try gate()
        return try await inner.read(request)
    }

    public func find(_ request: FindRequest) async throws -> ResourceSnapshot? {
        try gate()
        return try await inner.find(request)
    }

    public func create(_ request: CreateRequest) async throws -> ResourceSnapshot { try await mutate { try await inner.create(request) } }
    public func update(_ request: UpdateRequest) async throws -> ResourceSnapshot { try await mutate { try await inner.update(request) } }
    public func delete(_ request: DeleteRequest) async throws { try await mutate { try await inner.delete(request) } }
}
