import Cairn
import Foundation

/// Checks of leases and fencing (DESIGN.md invariant 6: one writer per stack).
extension StoreConformance {
    /// A second holder is refused while the lease is live, by a ``LeaseConflict`` naming the holder.
    public static func leaseConflict(_ store: any StateStore) async throws {
        let expect = Expect(check: "leaseConflict")
        let first = try await store.acquireLease(request("alice", stack: "lc", at: 0))
        try expect.equal(first.holder, "alice", "holder of the new lease")
        try expect.equal(first.expiresAt, at(30), "expiry of a 30 s lease")
        try expect.that(first.fencingToken > 0, "a lease's fencing token must be positive, got \(first.fencingToken)")
        try expect.equal(try await store.lease(stack: "lc"), first, "stored lease")

        let conflict = try await expect.error(LeaseConflict.self, "acquiring a live lease") {
            _ = try await store.acquireLease(request("bob", stack: "lc", at: 29.75))
        }
        try expect.equal(conflict.lease, first, "the lease named by the conflict")
        let text = conflict.description
        try expect.that(
            text.contains("alice") && text.contains("host-alice") && text.contains("\(first.pid)"),
            "the conflict must name holder, host and pid: \(text)")
        try expect.equal(try await store.lease(stack: "lc"), first, "lease after a refused acquire")
        _ = try await store.acquireLease(request("bob", stack: "lc-other", at: 0))
    }

    /// A lease whose expiry has passed (or is now) is taken over, with a higher token.
    public static func takeoverWhenExpired(_ store: any StateStore) async throws {
        let expect = Expect(check: "takeoverWhenExpired")
        let first = try await store.acquireLease(request("alice", stack: "tx", at: 0))
        let second = try await store.acquireLease(request("bob", stack: "tx", at: 30))
        try expect.equal(second.holder, "bob", "holder after taking over a lease that expires now")
        try expect.equal(second.acquiredAt, at(30), "acquisition time of the takeover")
        try expect.that(
            second.fencingToken > first.fencingToken,
            "takeover must raise the fencing token: \(first.fencingToken) -> \(second.fencingToken)")
        try expect.equal(try await store.lease(stack: "tx"), second, "stored lease after takeover")
    }

    /// A live lease is taken over when the request's `mayTakeOver` allows it (its holder is gone).
    public static func takeoverWhenAllowed(_ store: any StateStore) async throws {
        let expect = Expect(check: "takeoverWhenAllowed")
        let first = try await store.acquireLease(request("alice", stack: "ta", at: 0))
        _ = try await expect.error(LeaseConflict.self, "takeover the predicate refuses") {
            _ = try await store.acquireLease(request("bob", stack: "ta", at: 1) { _ in false })
        }
        let pid = first.pid
        let second = try await store.acquireLease(
            request("bob", stack: "ta", at: 1) { $0.holder == "alice" && $0.pid == pid })
        try expect.equal(second.holder, "bob", "holder after a takeover the predicate allows (given alice's lease)")
        try expect.that(second.fencingToken > first.fencingToken, "takeover must raise the fencing token")
    }

    /// Tokens grow with every acquisition, across releases.
    public static func fencingTokenIncreases(_ store: any StateStore) async throws {
        let expect = Expect(check: "fencingTokenIncreases")
        var tokens: [Int64] = []
        for i in 0..<4 {
            let lease = try await store.acquireLease(request("holder\(i)", stack: "ft", at: Double(i)))
            tokens.append(lease.fencingToken)
            try await store.releaseLease(lease)
        }
        try expect.that(
            zip(tokens, tokens.dropFirst()).allSatisfy { $0 < $1 },
            "tokens must strictly increase across release and acquire, got \(tokens)")
    }

    /// Renewing pushes the expiry; after a takeover the old holder's renewal is ``FencedOff``.
    public static func renewAfterTakeoverIsFencedOff(_ store: any StateStore) async throws {
        let expect = Expect(check: "renewAfterTakeoverIsFencedOff")
        let first = try await store.acquireLease(request("alice", stack: "rn", at: 0))
        let renewed = try await store.renewLease(first, until: at(60))
        try expect.equal(renewed.expiresAt, at(60), "expiry after renewal")
        try expect.equal(renewed.fencingToken, first.fencingToken, "a renewal keeps the token")
        try expect.equal(try await store.lease(stack: "rn"), renewed, "stored lease after renewal")

        let second = try await store.acquireLease(request("bob", stack: "rn", at: 60))
        let fenced = try await expect.error(FencedOff.self, "renewing a lease taken over") {
            _ = try await store.renewLease(renewed, until: at(120))
        }
        try expect.equal(fenced.token, first.fencingToken, "the refused token")
        try expect.equal(fenced.current, second.fencingToken, "the current token")
        try expect.equal(try await store.lease(stack: "rn"), second, "the new holder's lease is untouched")
    }

    /// A commit under an old token is refused and writes nothing: no run, no events, no state.
    public static func staleCommitWritesNothing(_ store: any StateStore) async throws {
        let expect = Expect(check: "staleCommitWritesNothing")
        let old = try await store.acquireLease(request("alice", stack: "sc", at: 0))
        try await store.commit(
            JournalBatch(
                stack: "sc", fencingToken: old.fencingToken, events: [event("before", .runStarted, at: 0)],
                changes: [.put(resource("a"))]))
        let before = try await store.state(stack: "sc")
        let runsBefore = try await store.runs(stack: "sc", limit: 10)

        let new = try await store.acquireLease(request("bob", stack: "sc", at: 31))
        let zombie = JournalBatch(
            stack: "sc", fencingToken: old.fencingToken,
            run: RunRecord(runID: "zombie", stack: "sc", status: .running, operation: "apply", startedAt: at(32)),
            events: [event("zombie", .intent, at: 32, address: "b"), event("before", .runFinished, at: 32)],
            changes: [.put(resource("b")), .remove("a")])
        let fenced = try await expect.error(FencedOff.self, "committing under a token older than the lease's") {
            try await store.commit(zombie)
        }
        try expect.equal(fenced.current, new.fencingToken, "the current token named by FencedOff")
        try expect.equal(try await store.state(stack: "sc"), before, "state after a refused commit")
        try expect.equal(try await store.events(runID: "zombie"), [], "events of the refused commit")
        try expect.equal(try await store.events(runID: "before").count, 1, "events of the earlier run")
        try expect.equal(try await store.runs(stack: "sc", limit: 10), runsBefore, "runs after a refused commit")

        let serial = try await store.commit(
            JournalBatch(stack: "sc", fencingToken: new.fencingToken, changes: [.put(resource("b"))]))
        try expect.equal(serial, before.serial + 1, "the new holder's commit is accepted")
    }

    /// A released lease is free at once; releasing a lease no longer ours changes nothing.
    public static func releaseThenAcquire(_ store: any StateStore) async throws {
        let expect = Expect(check: "releaseThenAcquire")
        let first = try await store.acquireLease(request("alice", stack: "rl", at: 0))
        try await store.releaseLease(first)
        try expect.equal(try await store.lease(stack: "rl"), nil, "lease after release")
        let second = try await store.acquireLease(request("bob", stack: "rl", at: 1))
        try expect.equal(second.holder, "bob", "holder after acquiring a released lease")

        try await store.releaseLease(first)
        try expect.equal(try await store.lease(stack: "rl"), second, "releasing a stale lease leaves the current one")
    }

    /// Breaking a lease (`cairn unlock --force`) frees the stack and fences the old holder out.
    public static func breakLeaseFencesOldHolder(_ store: any StateStore) async throws {
        let expect = Expect(check: "breakLeaseFencesOldHolder")
        let old = try await store.acquireLease(request("alice", stack: "bk", at: 0))
        try await store.breakLease(stack: "bk")
        try expect.equal(try await store.lease(stack: "bk"), nil, "lease after breaking it")

        _ = try await expect.error(FencedOff.self, "the old holder's commit after a break") {
            try await store.commit(
                JournalBatch(stack: "bk", fencingToken: old.fencingToken, changes: [.put(resource("a"))]))
        }
        _ = try await expect.error(FencedOff.self, "the old holder's renewal after a break") {
            _ = try await store.renewLease(old, until: at(60))
        }
        try expect.equal(try await store.state(stack: "bk").serial, 0, "serial after the refused commit")
        let next = try await store.acquireLease(request("bob", stack: "bk", at: 1))
        try expect.that(
            next.fencingToken > old.fencingToken + 1,
            "the break and the next acquisition each raise the token: \(old.fencingToken) -> \(next.fencingToken)")
        try await store.breakLease(stack: "never-locked")
    }
}
