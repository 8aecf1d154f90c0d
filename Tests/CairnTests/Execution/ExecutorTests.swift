import Cairn
import CairnTesting
import Foundation
import Testing

/// Wraps a provider and checks invariant 1 on every mutating call: the step's intent, with
/// this call's idempotency key, is already durable in the store.
final class WriteAheadChecker: Provider {
    let inner: MemoryProvider
    let store: InMemoryStore
    let violations = Counter()
    var schemas: [ResourceSchema] { inner.schemas }

    init(_ inner: MemoryProvider, store: InMemoryStore) {
        self.inner = inner
        self.store = store
    }

    private func check(_ stack: String, _ key: IdempotencyKey) async throws {
        guard let run = try await store.runs(stack: stack, limit: 1).first else { violations.increment(); return }
        let events = try await store.events(runID: run.runID)
        let intent = events.contains {
            ($0.kind == .intent || $0.kind == .compensationIntent) && $0.idempotencyKey == key.token
        }
        if !intent { violations.increment() }
    }

    func read(_ r: ReadRequest) async throws -> ResourceSnapshot? { try await inner.read(r) }
    func find(_ r: FindRequest) async throws -> ResourceSnapshot? { try await inner.find(r) }
    func create(_ r: CreateRequest) async throws -> ResourceSnapshot {
        try await check(r.context.stack, r.idempotencyKey)
        return try await inner.create(r)
    }
    func update(_ r: UpdateRequest) async throws -> ResourceSnapshot {
        try await check(r.context.stack, r.idempotencyKey)
        return try await inner.update(r)
    }
    func delete(_ r: DeleteRequest) async throws {
        try await check(r.context.stack, r.idempotencyKey)
        try await inner.delete(r)
    }
}

/// An engine over an in-memory store and a memory provider, on a virtual clock.
struct Harness {
    let clock = TestClock()
    let store = InMemoryStore()
    let memory: MemoryProvider
    let checker: WriteAheadChecker
    let engine: Engine

    init(types: [String] = ["test.net", "test.subnet", "test.vm"]) {
        memory = MemoryProvider(types: types, latency: .milliseconds(5), clock: clock)
        checker = WriteAheadChecker(memory, store: store)
        engine = Engine(
            configuration: .init(
                store: store, registry: ProviderRegistry([checker]), clock: clock, random: RandomSource(seed: 42),
                enforceStepTimeouts: false))
    }

    func apply(_ stack: Stack, _ options: Executor.Options = .init()) async throws -> RunResult {
        try await engine.apply(try await engine.plan(stack), options: options)
    }
}

/// net <- subnet <- vm, plus `extra` independent resources.
func chainStack(extra: Int = 0, vmProperties: [String: Value] = [:]) -> Stack {
    var resources = [
        Resource(address: "net", type: "test.net", properties: ["cidr": "10.0.0.0/16"]),
        Resource(address: "subnet", type: "test.subnet", properties: ["network_id": "${net.id}"]),
        Resource(address: "vm", type: "test.vm", properties: ["subnet_id": "${subnet.id}", "size": "small"].merging(vmProperties) { $1 }),
    ]
    for i in 0..<extra { resources.append(Resource(address: "x\(i)", type: "test.net", properties: ["n": .int(i)])) }
    return Stack(name: "demo", resources: resources)
}

@Suite("Executor")
struct ExecutorTests {
    @Test("applies in dependency order, resolving references from outputs, intents written ahead")
    func applyChain() async throws {
        let h = Harness()
        let result = try await h.apply(chainStack())
        #expect(result.status == .succeeded)
        #expect(result.summary.create == 3)
        let creates = h.memory.mutatingCalls.map(\.address)
        #expect(creates == ["net", "subnet", "vm"])
        let state = try await h.store.state(stack: "demo")
        #expect(state.resources["subnet"]?.properties["network_id"] == .string(state.resources["net"]!.id))
        #expect(h.checker.violations.count == 0)
    }

    @Test("applying again changes nothing and calls nothing that mutates (invariant 4)")
    func convergence() async throws {
        let h = Harness()
        _ = try await h.apply(chainStack())
        let before = h.memory.mutatingCalls.count
        let plan = try await h.engine.plan(chainStack())
        #expect(!plan.hasChanges)
        #expect(h.memory.mutatingCalls.count == before)
    }

    @Test("an edit updates exactly the changed resource")
    func update() async throws {
        let h = Harness()
        _ = try await h.apply(chainStack())
        let result = try await h.apply(chainStack(vmProperties: ["size": "large"]))
        #expect(result.summary.update == 1 && result.summary.create == 0)
        #expect(h.memory.mutatingCalls.last?.operation == "update")
        #expect(h.memory.mutatingCalls.last?.address == "vm")
    }

    @Test("parallelism is never exceeded", arguments: [1, 3])
    func parallelism(limit: Int) async throws {
        let h = Harness()
        let result = try await h.apply(chainStack(extra: 20), .init(parallelism: limit))
        #expect(result.status == .succeeded)
        #expect(h.memory.maxInFlight <= limit)
    }

    @Test("transient failures are retried and counted")
    func retries() async throws {
        let h = Harness()
        h.memory.fail("subnet", times: 2, with: ProviderError(.transient, "503"))
        let result = try await h.apply(chainStack())
        #expect(result.status == .succeeded)
        #expect(result.retries == 2)
        let events = try await h.store.events(runID: result.runID)
        #expect(events.filter { $0.kind == .attempt && $0.address == "subnet" }.count == 2)
    }

    @Test("a permanent failure rolls back what the run created, dependents first (invariant 5)")
    func rollback() async throws {
        let h = Harness()
        h.memory.fail("vm", times: 1, with: ProviderError(.permanent, "quota exceeded"))
        let result = try await h.apply(chainStack())
        #expect(result.status == .rolledBack)
        #expect(result.compensated == 2)
        #expect(h.memory.resources.isEmpty)
        let state = try await h.store.state(stack: "demo")
        #expect(state.resources.isEmpty)
        let undone = try await h.store.events(runID: result.runID).filter { $0.kind == .compensationOutcome }.map(\.address)
        #expect(undone == ["subnet", "net"])
        #expect(h.checker.violations.count == 0)
    }

    @Test("an update is rolled back by restoring the prior properties")
    func rollbackUpdate() async throws {
        let h = Harness()
        _ = try await h.apply(chainStack(extra: 1))
        var stack = chainStack(extra: 1, vmProperties: ["size": "large"])
        stack.resources[3].properties["n"] = 99
        stack.resources[3].dependsOn = ["vm"]
        h.memory.fail("x0", times: 1, with: ProviderError(.invalid, "bad n"))
        let result = try await h.apply(stack)
        #expect(result.status == .rolledBack)
        let vm = try #require(try await h.store.state(stack: "demo").resources["vm"])
        #expect(vm.properties["size"] == "small")
        #expect(h.memory.resources[vm.id]?.properties["size"] == "small")
    }

    @Test("halt keeps completed steps and does not start the rest")
    func halt() async throws {
        let h = Harness()
        h.memory.fail("subnet", times: 1, with: ProviderError(.permanent, "nope"))
        let result = try await h.apply(chainStack(), .init(failureMode: .halt))
        #expect(result.status == .halted)
        #expect(result.notRun == ["vm"])
        #expect(try await h.store.state(stack: "demo").resources.keys.sorted() == ["net"])
    }

    @Test("destroy deletes everything, dependents first")
    func destroy() async throws {
        let h = Harness()
        _ = try await h.apply(chainStack())
        let plan = try await h.engine.destroyPlan(chainStack())
        let result = try await h.engine.apply(plan)
        #expect(result.status == .succeeded && result.summary.delete == 3)
        #expect(h.memory.mutatingCalls.suffix(3).map(\.address) == ["vm", "subnet", "net"])
        #expect(h.memory.resources.isEmpty)
    }

    @Test("a saved plan whose serial moved on is refused as stale (invariant 7)")
    func stale() async throws {
        let h = Harness()
        let plan = try await h.engine.plan(chainStack())
        _ = try await h.engine.apply(plan)
        await #expect(throws: StalePlan.self) { try await h.engine.apply(plan) }
    }

    @Test("a second holder is refused with the holder named (invariant 6)")
    func lease() async throws {
        let h = Harness()
        let held = try await h.engine.acquireLease(stack: "demo", holder: "someone else")
        let plan = try await h.engine.plan(chainStack())
        let error = await #expect(throws: LeaseConflict.self) { try await h.engine.apply(plan) }
        #expect(error?.description.contains("someone else") == true)
        try await h.store.releaseLease(held)
        #expect(try await h.engine.apply(plan).status == .succeeded)
    }

    @Test("a replaced holder is fenced off: its writes are refused")
    func fencing() async throws {
        let h = Harness()
        let old = try await h.engine.acquireLease(stack: "demo", holder: "old")
        try await h.store.breakLease(stack: "demo")
        await #expect(throws: FencedOff.self) {
            try await h.store.commit(JournalBatch(stack: "demo", fencingToken: old.fencingToken, changes: [.remove("x")]))
        }
    }

    @Test("outcomes that arrive together share a commit (group commit)")
    func groupCommit() async throws {
        let h = Harness()
        let result = try await h.apply(chainStack(extra: 200), .init(parallelism: 20))
        #expect(result.summary.create == 203)
        #expect(h.store.commitCount < 203)
    }

    @Test("a chain of dependent steps costs at most about one commit per step")
    func chainCommits() async throws {
        let h = Harness(types: ["test.node"])
        var resources = [Resource(address: "n0", type: "test.node", properties: [:])]
        for i in 1..<100 {
            resources.append(Resource(address: "n\(i)", type: "test.node", properties: ["prev": .string("${n\(i - 1).id}")]))
        }
        let result = try await h.apply(Stack(name: "chain", resources: resources))
        #expect(result.summary.create == 100)
        #expect(Double(h.store.commitCount) <= 1.25 * 100)
    }
}
