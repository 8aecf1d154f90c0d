import Cairn
import CairnProviders
import CairnTesting
import Synchronization
import Testing

/// Collects the passes a loop reports.
final class PassLog: Sendable {
    private let passes = Mutex<[ReconcileLoop.Pass]>([])
    func append(_ pass: ReconcileLoop.Pass) { passes.withLock { $0.append(pass) } }
    var all: [ReconcileLoop.Pass] { passes.withLock { $0 } }
}

@Suite("Reconcile loop (--watch)")
struct ReconcileLoopTests {
    static let stack = Stack(
        name: "watched",
        resources: [
            Resource(address: "net", type: "sim.network", properties: ["cidr": "10.0.0.0/16", "name": "net"]),
            Resource(
                address: "dns", type: "sim.dns_record",
                properties: ["zone": "example.test", "name": "www", "value": "1.2.3.4"]),
        ])

    private func loop(_ bed: SimBed, maxPasses: Int? = nil, load: (@Sendable () throws -> Stack)? = nil)
        -> ReconcileLoop
    {
        ReconcileLoop(
            engine: bed.engine,
            configuration: ReconcileLoop.Configuration(interval: .seconds(60), maxPasses: maxPasses),
            options: ReconcileOptions(approve: { _ in true }), loadStack: load ?? { Self.stack })
    }

    @Test("a corrective pass applies one journaled run; an in-sync pass applies none")
    func passes() async throws {
        let bed = try SimBed()
        try await bed.apply(Self.stack)
        try bed.world.edit(id: try await bed.id("dns", stack: "watched"), set: ["value": "6.6.6.6"])
        let log = PassLog()
        let count = await loop(bed, maxPasses: 3).run(stop: StopRequest()) { log.append($0) }
        #expect(count == 3)
        let passes = log.all
        #expect(passes.map(\.number) == [1, 2, 3])
        #expect(passes[0].result?.run?.status == .succeeded)
        #expect(passes[0].result?.converged == true)
        #expect(passes[1].result?.run == nil && passes[1].result?.drift.hasDrift == false)
        #expect(passes[2].nextIn == nil, "the last pass schedules nothing")
        let runs = try await bed.store.runs(stack: "watched", limit: 10)
        #expect(runs.map(\.operation) == ["reconcile", "apply"])
    }

    @Test("waits are jittered within ±10 % of the interval, in slices that check for a stop")
    func jitter() async throws {
        let bed = try SimBed()
        try await bed.apply(Self.stack)
        let log = PassLog()
        await loop(bed, maxPasses: 6).run(stop: StopRequest()) { log.append($0) }
        let waits = log.all.compactMap(\.nextIn)
        #expect(waits.count == 5)
        #expect(waits.allSatisfy { $0 >= .seconds(54) && $0 <= .seconds(66) })
        #expect(Set(waits).count > 1, "jittered, not fixed")
        let slices = bed.clock.sleeps
        #expect(slices.allSatisfy { $0 <= .milliseconds(250) })
        let slept = slices.reduce(Duration.zero, +)
        let waited = waits.reduce(Duration.zero, +)
        #expect(slept == waited)
    }

    @Test("a stop request ends the loop after the pass in progress, and cuts the wait short")
    func stopRequest() async throws {
        let bed = try SimBed()
        try await bed.apply(Self.stack)
        let stop = StopRequest()
        let log = PassLog()
        let count = await loop(bed).run(stop: stop) { pass in
            log.append(pass)
            if pass.number == 2 { stop.request() }
        }
        #expect(count == 2)
        #expect(log.all.count == 2)
        #expect(bed.clock.sleeps.reduce(Duration.zero, +) <= .seconds(66), "no wait after the stop")
    }

    @Test("cancelling the task ends the loop cleanly")
    func cancellation() async throws {
        let bed = try SimBed()
        try await bed.apply(Self.stack)
        let (passes, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { await loop(bed).run(stop: StopRequest()) { continuation.yield($0.number) } }
        for await number in passes where number >= 2 { break }
        task.cancel()
        let count = await task.value
        #expect(count >= 2)
    }

    @Test("a failing pass is reported and the loop goes on")
    func failingPass() async throws {
        let bed = try SimBed()
        try await bed.apply(Self.stack)
        let attempts = Mutex(0)
        let log = PassLog()
        await loop(bed, maxPasses: 2) {
            let n = attempts.withLock {
                $0 += 1
                return $0
            }
            if n == 1 { throw Diagnostics([Diagnostic(.error, "the spec is broken")]) }
            return Self.stack
        }.run(stop: StopRequest()) { log.append($0) }
        #expect(log.all.map { $0.error != nil } == [true, false])
        #expect(log.all[0].error?.contains("the spec is broken") == true)
    }
}
