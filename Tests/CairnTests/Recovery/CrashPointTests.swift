import Cairn
import CairnTesting
import Testing

/// A 20-resource stack in layers: 4 networks, 8 subnets on them, 8 instances on the subnets.
func twentyStepStack() -> Stack {
    var resources: [Resource] = []
    for n in 0..<4 { resources.append(Resource(address: "net\(n)", type: "test.net", properties: ["n": .int(n)])) }
    for s in 0..<8 {
        resources.append(Resource(address: "sub\(s)", type: "test.subnet", properties: ["net": .string("${net\(s % 4).id}")]))
    }
    for v in 0..<8 {
        resources.append(Resource(address: "vm\(v)", type: "test.vm", properties: ["sub": .string("${sub\(v).id}"), "size": "small"]))
    }
    return Stack(name: "crash", resources: resources)
}

func memoryWorld() -> CrashPointExplorer.World {
    let memory = MemoryProvider(types: ["test.net", "test.subnet", "test.vm"])
    return CrashPointExplorer.World(providers: [memory], inventory: { memory.inventory })
}

@Suite("Crash-point exploration (invariants 1, 3, 5)")
struct CrashPointTests {
    @Test("a 20-step plan: every durable write and every ambiguous call window, resumed and rolled back")
    func twentySteps() async throws {
        // One step at a time, the schedule (and so the set of crash points) is deterministic.
        let explorer = CrashPointExplorer(stack: twentyStepStack(), parallelism: 1, seed: 7) { memoryWorld() }
        let report = try await explorer.explore()
        print("crash-point explorer (20 steps, sequential): \(report)")
        #expect(report.crashPoints >= 2 * 20 + 20)  // both windows of every call, and every durable write
        #expect(report.violations.isEmpty, "\(report)")
        let again = try await explorer.explore()
        #expect(again.crashPoints == report.crashPoints && again.trials == report.trials)
    }

    @Test("the same plan with parallel steps and group commits")
    func twentyStepsParallel() async throws {
        let explorer = CrashPointExplorer(stack: twentyStepStack(), parallelism: 4, seed: 11) { memoryWorld() }
        let report = try await explorer.explore()
        print("crash-point explorer (20 steps, 4 at a time): \(report)")
        #expect(report.crashPoints >= 2 * 20 + 5)
        #expect(report.violations.isEmpty, "\(report)")
    }

    @Test("crashing again during the recovery, over every pair of points of a smaller plan")
    func crashDuringRecovery() async throws {
        var stack = twentyStepStack()
        stack.resources = Array(stack.resources.filter { ["net0", "sub0", "sub4", "vm0", "vm4"].contains($0.address) })
        let explorer = CrashPointExplorer(stack: stack, parallelism: 1, seed: 3) { memoryWorld() }
        for recovery in CrashPointExplorer.Recovery.allCases {
            let report = try await explorer.exploreRecoveryCrashes(recovery: recovery, firstCommits: 1...8, secondCommits: 1...8)
            print("crash-point explorer (crash during \(recovery)): \(report)")
            #expect(report.crashPoints > 10)
            #expect(report.violations.isEmpty, "\(report)")
        }
    }

    @Test("the explorer finds a broken provider: one that ignores idempotency keys duplicates on resume")
    func detectsViolations() async throws {
        let explorer = CrashPointExplorer(stack: twentyStepStack(), parallelism: 3, seed: 7) {
            let leaky = ForgetfulProvider(MemoryProvider(types: ["test.net", "test.subnet", "test.vm"]))
            return CrashPointExplorer.World(providers: [leaky], inventory: { leaky.inner.inventory })
        }
        let report = try await explorer.explore(recoveries: [.resume], ambiguousWindows: true)
        #expect(report.violations.contains { $0.invariant == "no duplicate" || $0.invariant == "no orphan" })
    }
}

/// A provider that forgets idempotency keys: every create makes a new resource, and find finds nothing.
final class ForgetfulProvider: Provider {
    let inner: MemoryProvider
    init(_ inner: MemoryProvider) { self.inner = inner }
    var schemas: [ResourceSchema] { inner.schemas }
    func read(_ r: ReadRequest) async throws -> ResourceSnapshot? { try await inner.read(r) }
    func find(_ r: FindRequest) async throws -> ResourceSnapshot? { nil }
    func create(_ r: CreateRequest) async throws -> ResourceSnapshot {
        var fresh = r
        fresh.idempotencyKey.token += "-\(inner.calls.count)"
        return try await inner.create(fresh)
    }
    func update(_ r: UpdateRequest) async throws -> ResourceSnapshot { try await inner.update(r) }
    func delete(_ r: DeleteRequest) async throws { try await inner.delete(r) }
}
