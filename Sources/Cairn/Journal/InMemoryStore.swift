import Foundation
import Synchronization

/// A store that keeps everything in memory: for tests, benchmarks and library users who
/// want no persistence. Behaves like the durable stores in every other respect.
public final class InMemoryStore: StateStore {
    private struct Contents {
        var states: [String: StackState] = [:]
        var leases: [String: Lease] = [:]
        /// The highest fencing token ever issued per stack, kept after a release.
        var tokens: [String: Int64] = [:]
        var runs: [String: RunRecord] = [:]
        var runOrder: [String] = []
        var events: [String: [JournalEvent]] = [:]
        var sequence: Int64 = 0
        var commits = 0
    }

    private let contents = Mutex(Contents())

    public init() {}

    /// How many commits were made (for write-amplification tests).
    public var commitCount: Int { contents.withLock { $0.commits } }

    public func state(stack: String) async throws -> StackState {
        contents.withLock { $0.states[stack] ?? StackState(stack: stack) }
    }

    @discardableResult
    public func commit(_ batch: JournalBatch) async throws -> Int64 {
        try contents.withLock { c in
            let current = c.tokens[batch.stack] ?? 0
            if batch.fencingToken < current {
                throw FencedOff(stack: batch.stack, token: batch.fencingToken, current: current)
            }
            c.commits += 1
            if let run = batch.run {
                if c.runs[run.runID] == nil { c.runOrder.append(run.runID) }
                c.runs[run.runID] = run
            }
            for var e in batch.events {
                c.sequence += 1
                e.sequence = c.sequence
                c.events[e.runID, default: []].append(e)
            }
            // Changed in place: copying the stack's state per commit would make applies quadratic.
            guard !batch.changes.isEmpty else { return c.states[batch.stack]?.serial ?? 0 }
            for change in batch.changes { c.states[batch.stack, default: StackState(stack: batch.stack)].apply(change) }
            c.states[batch.stack, default: StackState(stack: batch.stack)].serial += 1
            return c.states[batch.stack]!.serial
        }
    }

    public func acquireLease(_ request: LeaseRequest) async throws -> Lease {
        try contents.withLock { c in
            if let existing = c.leases[request.stack], existing.expiresAt > request.now,
                !request.mayTakeOver(existing)
            {
                throw LeaseConflict(lease: existing)
            }
            let token = (c.tokens[request.stack] ?? 0) + 1
            c.tokens[request.stack] = token
            let lease = Lease(
                stack: request.stack, holder: request.holder, host: request.host, pid: request.pid,
                acquiredAt: request.now, expiresAt: request.expiry, fencingToken: token)
            c.leases[request.stack] = lease
            return lease
        }
    }

    public func renewLease(_ lease: Lease, until: Date) async throws -> Lease {
        try contents.withLock { c in
            guard let existing = c.leases[lease.stack], existing.fencingToken == lease.fencingToken else {
                throw FencedOff(stack: lease.stack, token: lease.fencingToken, current: c.tokens[lease.stack] ?? 0)
            }
            var renewed = existing
            renewed.expiresAt = until
            c.leases[lease.stack] = renewed
            return renewed
        }
    }

    public func releaseLease(_ lease: Lease) async throws {
        contents.withLock { c in
            if c.leases[lease.stack]?.fencingToken == lease.fencingToken { c.leases[lease.stack] = nil }
        }
    }

    public func lease(stack: String) async throws -> Lease? {
        contents.withLock { $0.leases[stack] }
    }

    public func breakLease(stack: String) async throws {
        contents.withLock { c in
            c.leases[stack] = nil
            c.tokens[stack] = (c.tokens[stack] ?? 0) + 1
        }
    }

    public func runs(stack: String, limit: Int) async throws -> [RunRecord] {
        contents.withLock { c in
            Array(c.runOrder.reversed().compactMap { c.runs[$0] }.filter { $0.stack == stack }.prefix(limit))
        }
    }

    public func events(runID: String) async throws -> [JournalEvent] {
        contents.withLock { $0.events[runID] ?? [] }
    }
}
