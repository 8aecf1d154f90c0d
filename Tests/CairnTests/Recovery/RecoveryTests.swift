import Cairn
import CairnTesting
import Foundation
import Testing

/// Stops the run once `after` steps have finished, as a first SIGINT would.
final class StopAfter: RunObserver {
    let stop = StopRequest()
    let after: Int
    let finished = Counter()
    init(after: Int) { self.after = after }
    func stepFinished(_ step: Step, outcome: StepOutcome, compensation: Bool) {
        if finished.increment() >= after { stop.request() }
    }
}

/// 30 resources: 3 networks, 9 subnets, 18 instances, the last of which fails.
func thirtyStack() -> Stack {
    var resources: [Resource] = []
    for n in 0..<3 { resources.append(Resource(address: "net\(n)", type: "test.net", properties: ["n": .int(n)])) }
    for s in 0..<9 { resources.append(Resource(address: "sub\(s)", type: "test.subnet", properties: ["net": .string("${net\(s % 3).id}")])) }
    for v in 0..<18 { resources.append(Resource(address: "vm\(v)", type: "test.vm", properties: ["sub": .string("${sub\(v % 9).id}")])) }
    return Stack(name: "thirty", resources: resources)
}

@Suite("Recovery: interrupted runs, resume, rollback")
struct RecoveryTests {
    func harness(observer: any RunObserver = NoRunObserver(), alive: Bool = false) -> (Engine, MemoryProvider, InMemoryStore) {
        let store = InMemoryStore()
        let memory = MemoryProvider(types: ["test.net", "test.subnet", "test.vm"])
        let engine = Engine(
            configuration: .init(
                store: store, registry: ProviderRegistry([memory]), clock: TestClock(), random: RandomSource(seed: 1),
                observer: observer, isProcessAlive: { _ in alive }, enforceStepTimeouts: false))
        return (engine, memory, store)
    }

    @Test("a stopped run is interrupted; apply refuses until it is resumed; resume finishes without duplicates")
    func interruptAndResume() async throws {
        let observer = StopAfter(after: 3)
        let (engine, memory, store) = harness(observer: observer)
        let stack = twentyStepStack()
        let first = try await engine.apply(try await engine.plan(stack), options: .init(parallelism: 2, stop: observer.stop))
        #expect(first.status == .interrupted)
        #expect(!first.notRun.isEmpty)

        await #expect(throws: UnfinishedRun.self) { try await engine.apply(try await engine.plan(stack)) }
        // Even with nothing left to change, a new run is refused until this one is closed.
        await #expect(throws: UnfinishedRun.self) { try await engine.checkReadyForNewRun(stack: "crash") }

        let resumer = Engine(configuration: .init(
            store: store, registry: ProviderRegistry([memory]), clock: TestClock(), random: RandomSource(seed: 2),
            isProcessAlive: { _ in false }, enforceStepTimeouts: false))
        let resumed = try await resumer.resume(stack: "crash")
        #expect(resumed.status == .succeeded)
        #expect(resumed.runID == first.runID)
        #expect(memory.resources.count == 20)
        #expect(Set(memory.inventory.map(\.address)).count == 20)
        #expect(!(try await resumer.plan(stack).hasChanges))
    }

    @Test("a permanent failure deep in a 30-resource stack rolls back everything, dependents first")
    func deepFailure() async throws {
        let (engine, memory, store) = harness()
        memory.fail("vm17", times: 1, with: ProviderError(.permanent, "quota exceeded"))
        let result = try await engine.apply(try await engine.plan(thirtyStack()), options: .init(parallelism: 4))
        #expect(result.status == .rolledBack)
        #expect(memory.resources.isEmpty)
        #expect(try await store.state(stack: "thirty").resources.isEmpty)

        let events = try await store.events(runID: result.runID)
        let order = events.filter { $0.kind == .compensationOutcome && $0.status == "ok" }.compactMap(\.address)
        #expect(order.count == 29)
        func position(_ a: String) -> Int { order.firstIndex(of: a) ?? -1 }
        for v in 0..<17 { #expect(position("vm\(v)") < position("sub\(v % 9)")) }
        for s in 0..<9 { #expect(position("sub\(s)") < position("net\(s % 3)")) }
    }

    @Test("a compensation that cannot finish leaves rollback_failed with what still exists; rollback continues it")
    func rollbackFailed() async throws {
        let (engine, memory, _) = harness()
        let stack = Stack(name: "rf", resources: [
            Resource(address: "net", type: "test.net", properties: [:]),
            Resource(address: "keep", type: "test.subnet", properties: ["net": "${net.id}"]),
            Resource(address: "bad", type: "test.vm", properties: ["sub": "${keep.id}"]),
        ])
        memory.fail("bad", times: 1, with: ProviderError(.permanent, "no capacity"))
        let plan = try await engine.plan(stack)
        // After the forward failure, the deletion of `keep` fails permanently once.
        let failingKeep = FailOnce(memory, address: "keep", operation: "delete")
        let engine2 = Engine(configuration: .init(
            store: engine.configuration.store, registry: ProviderRegistry([failingKeep]), clock: TestClock(),
            random: RandomSource(seed: 1), isProcessAlive: { _ in false }, enforceStepTimeouts: false))
        let result = try await engine2.apply(plan)
        #expect(result.status == .rollbackFailed)
        #expect(result.remaining.map(\.address).sorted() == ["keep", "net"])
        #expect(result.remaining.first { $0.address == "keep" }?.id != nil)

        let again = try await engine2.rollback(stack: "rf")
        #expect(again.status == .rolledBack)
        #expect(memory.resources.isEmpty)
        await #expect(throws: RecoveryError.self) { try await engine2.rollback(stack: "rf") }
    }

    @Test("an update rolled back twice changes nothing the second time")
    func idempotentRollback() async throws {
        let (engine, memory, store) = harness()
        _ = try await engine.apply(try await engine.plan(chainStack()))
        let observer = StopAfter(after: 1)
        let stopping = Engine(configuration: .init(
            store: store, registry: ProviderRegistry([memory]), clock: TestClock(), random: RandomSource(seed: 4),
            observer: observer, isProcessAlive: { _ in false }, enforceStepTimeouts: false))
        var edited = chainStack(extra: 2, vmProperties: ["size": "large"])
        edited.resources[3].dependsOn = ["vm"]
        edited.resources[4].dependsOn = ["vm"]
        let interrupted = try await stopping.apply(try await stopping.plan(edited), options: .init(parallelism: 1, stop: observer.stop))
        #expect(interrupted.status == .interrupted)
        let vmID = try #require(try await store.state(stack: "demo").resources["vm"]?.id)
        #expect(memory.resources[vmID]?.properties["size"] == "large")

        let rolled = try await engine.rollback(stack: "demo")
        #expect(rolled.status == .rolledBack)
        #expect(memory.resources[vmID]?.properties["size"] == "small")
        let calls = memory.mutatingCalls.count
        await #expect(throws: RecoveryError.self) { try await engine.rollback(stack: "demo") }
        #expect(memory.mutatingCalls.count == calls)
    }
}

/// Fails one operation on one address once, permanently; otherwise passes through.
final class FailOnce: Provider {
    let inner: MemoryProvider
    let address: String
    let operation: String
    let used = Counter()
    init(_ inner: MemoryProvider, address: String, operation: String) {
        self.inner = inner
        self.address = address
        self.operation = operation
    }
    var schemas: [ResourceSchema] { inner.schemas }
    func read(_ r: ReadRequest) async throws -> ResourceSnapshot? { try await inner.read(r) }
    func find(_ r: FindRequest) async throws -> ResourceSnapshot? { try await inner.find(r) }
    func create(_ r: CreateRequest) async throws -> ResourceSnapshot { try await inner.create(r) }
    func update(_ r: UpdateRequest) async throws -> ResourceSnapshot { try await inner.update(r) }
    func delete(_ r: DeleteRequest) async throws {
        if r.context.address == address && operation == "delete" && used.increment() == 1 {
            throw ProviderError(.permanent, "simulated: cannot delete \(address)")
        }
        try await inner.delete(r)
    }
}
