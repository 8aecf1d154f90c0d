import Cairn
import Foundation

/// Checks of state, runs and journal events.
extension StoreConformance {
    /// A stack never written has serial 0, no resources, no lease, no runs; an unknown run has no events.
    public static func emptyStack(_ store: any StateStore) async throws {
        let expect = Expect(check: "emptyStack")
        let state = try await store.state(stack: "never-written")
        try expect.equal(state, StackState(stack: "never-written"), "state of a stack never written")
        try expect.equal(try await store.lease(stack: "never-written"), nil, "lease of a stack never locked")
        try expect.equal(try await store.runs(stack: "never-written", limit: 10), [], "runs of a stack never run")
        try expect.equal(try await store.events(runID: "no-such-run"), [], "events of an unknown run")
    }

    /// Events get increasing sequence numbers in commit order and come back in that order,
    /// per run, with every field intact.
    public static func eventsInSequence(_ store: any StateStore) async throws {
        let expect = Expect(check: "eventsInSequence")
        let first = [event("r1", .runStarted, at: 0), event("r1", .intent, at: 1, address: "a")]
        let other = [event("r2", .runStarted, at: 1.5)]
        let second = [
            event("r1", .attempt, at: 2, address: "a"), event("r1", .outcome, at: 3, address: "a"),
            event("r1", .runFinished, at: 4),
        ]
        try await store.commit(JournalBatch(stack: "seq", fencingToken: 0, events: first))
        try await store.commit(JournalBatch(stack: "seq-other", fencingToken: 0, events: other))
        try await store.commit(JournalBatch(stack: "seq", fencingToken: 0, events: second))

        let r1 = try await store.events(runID: "r1")
        try expect.equal(unsequenced(r1), first + second, "events of r1, in commit order, every field kept")
        let seqs = r1.map(\.sequence)
        try expect.that(
            zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 } && (seqs.first ?? 0) > 0,
            "sequence numbers must be positive and strictly increasing in commit order, got \(seqs)")
        let r2 = try await store.events(runID: "r2")
        try expect.equal(unsequenced(r2), other, "events of r2 are kept apart from r1's")
        try expect.that(
            r2.count == 1 && r2[0].sequence > seqs[1] && r2[0].sequence < seqs[2],
            "r2's event was committed between r1's batches, so its sequence must fall between them; "
                + "r1 \(seqs), r2 \(r2.map(\.sequence))")
    }

    /// Puts and removes apply per resource; the serial grows by one per commit with changes
    /// and not at all for a commit without; stacks are kept apart.
    public static func stateChanges(_ store: any StateStore) async throws {
        let expect = Expect(check: "stateChanges")
        let a = resource("a")
        let b = resource("b", size: ["gb": 20])
        let serial1 = try await store.commit(JournalBatch(stack: "st", fencingToken: 0, changes: [.put(a), .put(b)]))
        try expect.equal(serial1, 1, "serial returned by the first commit with changes")
        try expect.equal(
            try await store.state(stack: "st"), StackState(stack: "st", serial: 1, resources: ["a": a, "b": b]),
            "state after putting a and b (every field and value kind kept)")

        let unchanged = try await store.commit(
            JournalBatch(stack: "st", fencingToken: 0, events: [event("st-run", .runStarted, at: 0)]))
        try expect.equal(unchanged, 1, "serial returned by a commit without changes")
        try expect.equal(try await store.state(stack: "st").serial, 1, "serial after a commit without changes")

        var a2 = a
        a2.id = "id-a-replaced"
        a2.properties["size"] = 2
        let serial2 = try await store.commit(
            JournalBatch(stack: "st", fencingToken: 0, changes: [.put(a2), .remove("b")]))
        try expect.equal(serial2, 2, "serial after a second commit with changes")
        try expect.equal(
            try await store.state(stack: "st"), StackState(stack: "st", serial: 2, resources: ["a": a2]),
            "state after replacing a and removing b")

        let serial3 = try await store.commit(
            JournalBatch(stack: "st", fencingToken: 0, changes: [.put(b), .remove("b"), .put(resource("c"))]))
        try expect.equal(serial3, 3, "serial after a commit whose changes cancel out in part")
        try expect.equal(
            Set(try await store.state(stack: "st").resources.keys), ["a", "c"],
            "changes of one commit apply in order (put b, then remove b)")
        try expect.equal(
            try await store.state(stack: "st-other"), StackState(stack: "st-other"), "another stack is untouched")
    }

    /// Runs are listed newest first, limited, per stack; re-committing a run updates its row in place.
    public static func runsNewestFirst(_ store: any StateStore) async throws {
        let expect = Expect(check: "runsNewestFirst")
        func run(_ id: String, _ started: Double, stack: String = "runs") -> RunRecord {
            RunRecord(runID: id, stack: stack, status: .running, operation: "apply", startedAt: at(started))
        }
        for r in [run("r1", 0), run("r2", 10), run("elsewhere", 15, stack: "runs-other"), run("r3", 20)] {
            try await store.commit(JournalBatch(stack: r.stack, fencingToken: 0, run: r))
        }
        var finished = run("r1", 0)
        finished.status = .rolledBack
        finished.finishedAt = at(30)
        try await store.commit(JournalBatch(stack: "runs", fencingToken: 0, run: finished))

        try expect.equal(
            try await store.runs(stack: "runs", limit: 10), [run("r3", 20), run("r2", 10), finished],
            "runs newest first, r1 updated in place and not moved")
        try expect.equal(
            try await store.runs(stack: "runs", limit: 2).map(\.runID), ["r3", "r2"], "runs limited to 2")
        try expect.equal(
            try await store.runs(stack: "runs-other", limit: 10).map(\.runID), ["elsewhere"], "runs of another stack")
    }

    /// A hundred commits racing each other all land, each event with its own sequence number.
    public static func parallelCommits(_ store: any StateStore) async throws {
        let expect = Expect(check: "parallelCommits")
        let count = 100
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<count {
                group.addTask {
                    let events = [
                        event("p\(i)", .intent, at: Double(i), address: "r\(i)"),
                        event("p\(i)", .outcome, at: Double(i) + 0.5, address: "r\(i)"),
                    ]
                    try await store.commit(
                        JournalBatch(stack: "par", fencingToken: 0, events: events, changes: [.put(resource("r\(i)"))]))
                }
            }
            try await group.waitForAll()
        }
        var seqs: [Int64] = []
        for i in 0..<count {
            let events = try await store.events(runID: "p\(i)")
            try expect.equal(events.map(\.kind), [.intent, .outcome], "events of commit \(i)")
            try expect.that(events[0].sequence < events[1].sequence, "events of one commit keep their order")
            seqs += events.map(\.sequence)
        }
        try expect.equal(Set(seqs).count, 2 * count, "distinct sequence numbers among \(2 * count) events")
        let state = try await store.state(stack: "par")
        try expect.equal(state.serial, Int64(count), "serial after \(count) commits with changes")
        try expect.equal(state.resources.count, count, "resources after \(count) commits")
    }
}
