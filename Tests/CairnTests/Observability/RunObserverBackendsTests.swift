import Cairn
import CairnTesting
import Foundation
import InMemoryLogging
import InMemoryTracing
import Logging
import MetricsTestKit
import Synchronization
import Testing
import Tracing

/// One run with retries (transient and throttled) and a compensation, watched by the logging,
/// metrics and tracing observers over their in-memory backends.
struct ObservedRun {
    let logs: InMemoryLogHandler
    let metrics: TestMetrics
    let tracer: InMemoryTracer
    let result: RunResult
    let memory: MemoryProvider

    static let secret = "hunter2-s3cr3t"

    /// net <- subnet <- vm: net is throttled once, subnet fails twice (transient), vm fails
    /// for good with an error that echoes a sensitive value, so the run rolls back. `queued`:
    /// the observers sit behind a ``QueuedRunObserver``, as the CLI has them.
    static func make(queued: Bool = false) async throws -> ObservedRun {
        var logs = InMemoryLogHandler()
        logs.logLevel = .debug
        let clock = TestClock()
        let memory = MemoryProvider(types: ["test.net", "test.subnet", "test.vm"], latency: .milliseconds(5), clock: clock)
        memory.fail("net", with: [ProviderError(.throttled, "slow down", retryAfter: .milliseconds(300))])
        memory.fail("subnet", times: 2, with: ProviderError(.transient, "503 service unavailable"))
        memory.fail("vm", times: 1, with: ProviderError(.permanent, "bad password \(secret)"))
        let stack = Stack(
            name: "demo",
            resources: [
                Resource(address: "net", type: "test.net", properties: ["cidr": "10.0.0.0/16"]),
                Resource(address: "subnet", type: "test.subnet", properties: ["network_id": "${net.id}"]),
                Resource(
                    address: "vm", type: "test.vm", properties: ["subnet_id": "${subnet.id}", "password": .string(secret)],
                    sensitiveProperties: ["password"]),
            ])
        let registry = ProviderRegistry([memory])
        let redactor = Redactor(stack: stack, registry: registry)
        let metrics = TestMetrics()
        let tracer = InMemoryTracer()
        let observers = FanOutRunObserver([
            LoggingRunObserver(logger: Logger(label: "test", factory: { _ in logs }), redactor: redactor),
            MetricsRunObserver(factory: metrics),
            TracingRunObserver(tracer: tracer, redactor: redactor),
        ])
        let observer: any RunObserver = queued ? QueuedRunObserver(observers) : observers
        let engine = Engine(
            configuration: .init(
                store: InMemoryStore(), registry: registry, clock: clock, random: RandomSource(seed: 7),
                observer: observer, enforceStepTimeouts: false))
        let result = try await engine.apply(try await engine.plan(stack))
        return ObservedRun(logs: logs, metrics: metrics, tracer: tracer, result: result, memory: memory)
    }

    init(logs: InMemoryLogHandler, metrics: TestMetrics, tracer: InMemoryTracer, result: RunResult, memory: MemoryProvider) {
        self.logs = logs
        self.metrics = metrics
        self.tracer = tracer
        self.result = result
        self.memory = memory
    }
}

@Suite("Observability backends")
struct RunObserverBackendsTests {
    @Test("the run under test retried, failed and was rolled back")
    func scenario() async throws {
        let run = try await ObservedRun.make()
        #expect(run.result.status == .rolledBack)
        #expect(run.result.retries == 3)
        #expect(run.result.compensated == 2)
    }

    @Test("every step record carries the run id, step, address, type, action, attempt, outcome, error class and duration", arguments: [false, true])
    func logRecords(queued: Bool) async throws {
        let run = try await ObservedRun.make(queued: queued)
        let required = ["run_id", "step", "address", "type", "action", "attempt", "outcome", "error_class", "duration_ms"]
        let stepRecords = run.logs.entries.filter { $0.metadata["address"] != nil }
        #expect(stepRecords.count >= 10)
        for entry in stepRecords {
            for key in required { #expect(entry.metadata[key] != nil, "\(entry.message) lacks \(key)") }
            #expect(entry.metadata["run_id"] == .string(run.result.runID))
        }
        let retries = stepRecords.filter { $0.metadata["outcome"] == "retrying" }
        #expect(retries.count == 3)
        #expect(retries.allSatisfy { $0.level == .warning })
        #expect(retries.allSatisfy { $0.metadata["phase"] == "forward" }, "a retry says which phase it belongs to")
        #expect(retries.filter { $0.metadata["error_class"] == "transient" }.count == 2)
        #expect(retries.contains { $0.metadata["error_class"] == "throttled" && $0.metadata["delay_ms"] == "300" })
        let failed = try #require(stepRecords.first { $0.metadata["outcome"] == "failed" && $0.level == .error })
        #expect(failed.metadata["address"] == "vm")
        #expect(failed.metadata["error_class"] == "permanent")
        #expect(run.logs.entries.contains { $0.level == .notice && "\($0.message)".hasPrefix("compensation started") })
        let undone = stepRecords.filter { $0.metadata["phase"] == "compensation" && $0.metadata["outcome"] == "ok" }
        #expect(Set(undone.compactMap { $0.metadata["address"].map { "\($0)" } }) == ["net", "subnet"])
        let finished = try #require(run.logs.entries.last)
        #expect("\(finished.message)" == "run finished")
        #expect(finished.metadata["status"] == "rolled_back")
    }

    @Test("sensitive values never reach log records or traces", arguments: [false, true])
    func redaction(queued: Bool) async throws {
        let run = try await ObservedRun.make(queued: queued)
        let text = run.logs.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(text.contains("bad password (sensitive)"))
        #expect(!text.contains(ObservedRun.secret))
        let spans = run.tracer.finishedSpans
        let traced = spans.map { "\($0.attributes) \($0.errors.map { "\($0.error)" }) \(String(describing: $0.status))" }
        #expect(traced.contains { $0.contains("bad password (sensitive)") })
        #expect(!traced.joined().contains(ObservedRun.secret))
    }

    @Test("metrics count steps, retries by class, throttled waits, compensations and the run, with bounded labels", arguments: [false, true])
    func metrics(queued: Bool) async throws {
        let run = try await ObservedRun.make(queued: queued)
        let m = run.metrics
        typealias N = MetricsRunObserver.Names
        #expect(m.counterTotal(label: N.retries, dimensions: [("type", "test.subnet"), ("error_class", "transient")]) == 2)
        #expect(m.counterTotal(label: N.retries, dimensions: [("type", "test.net"), ("error_class", "throttled")]) == 1)
        #expect(m.counterTotal(label: N.throttledWaits) == 1)
        #expect(try m.expectTimer(N.throttledWaitDuration, [("type", "test.net")]).lastValue == 300_000_000)
        #expect(
            m.counterTotal(
                label: N.steps,
                dimensions: [("type", "test.vm"), ("action", "create"), ("outcome", "failed"), ("phase", "forward")]) == 1)
        #expect(m.counterTotal(label: N.compensations) == 2)
        #expect(m.counterTotal(label: N.compensations, dimensions: [("type", "test.net"), ("outcome", "ok")]) == 1)
        #expect(m.counterTotal(label: N.runs, dimensions: [("operation", "apply"), ("status", "rolled_back")]) == 1)
        #expect(m.timers(label: N.runDuration).count == 1)
        #expect(try m.expectTimer(N.stepDuration, [("type", "test.subnet"), ("action", "create")]).values.count == 1)
        // 3 forward calls + 2 retries of subnet + 1 of net + 2 compensations.
        #expect(m.counterTotal(label: N.attempts) == 8)
        let labelValues = (m.counters.flatMap(\.dimensions) + m.timers.flatMap(\.dimensions)).map(\.1)
        for forbidden in ["net", "subnet", "vm", run.result.runID, ObservedRun.secret] {
            #expect(!labelValues.contains(forbidden), "label value \(forbidden) is unbounded")
        }
    }

    @Test("spans form run > phase > step > attempt, with compensation under its own phase", arguments: [false, true])
    func spanTree(queued: Bool) async throws {
        let run = try await ObservedRun.make(queued: queued)
        let spans = run.tracer.finishedSpans
        #expect(run.tracer.activeSpans.isEmpty)
        let byID = Dictionary(uniqueKeysWithValues: spans.map { ($0.spanID, $0) })
        func parent(_ s: FinishedInMemorySpan) -> FinishedInMemorySpan? { s.parentSpanID.flatMap { byID[$0] } }

        let root = try #require(spans.first { $0.operationName == "cairn.run" })
        #expect(root.parentSpanID == nil)
        #expect(root.attributes["cairn.run_id"]?.toSpanAttribute() == .string(run.result.runID))
        #expect(root.attributes["cairn.status"]?.toSpanAttribute() == .string("rolled_back"))
        #expect(root.status?.code == .error)
        #expect(Set(spans.map(\.traceID)).count == 1)

        let phases = spans.filter { $0.operationName == "cairn.phase" }
        #expect(phases.map { $0.attributes["cairn.phase"]?.toSpanAttribute() } == [.string("forward"), .string("compensation")])
        #expect(phases.allSatisfy { $0.parentSpanID == root.spanID })

        let steps = spans.filter { $0.operationName == "cairn.step" }
        #expect(steps.count == 3)
        #expect(steps.allSatisfy { parent($0)?.attributes["cairn.phase"]?.toSpanAttribute() == .string("forward") })
        let compensations = spans.filter { $0.operationName == "cairn.compensate" }
        #expect(compensations.count == 2)
        #expect(compensations.allSatisfy { parent($0)?.attributes["cairn.phase"]?.toSpanAttribute() == .string("compensation") })

        let subnet = try #require(steps.first { $0.attributes["cairn.address"]?.toSpanAttribute() == .string("subnet") })
        let tries = spans.filter { $0.operationName == "cairn.attempt" && $0.parentSpanID == subnet.spanID }
        #expect(tries.count == 3)
        #expect(tries.filter { $0.status?.code == .error }.count == 2)
        #expect(tries.filter { !$0.errors.isEmpty }.count == 2)
        #expect(subnet.events.filter { $0.name == "retry" }.count == 2)

        let vm = try #require(steps.first { $0.attributes["cairn.address"]?.toSpanAttribute() == .string("vm") })
        #expect(vm.status?.code == .error)
        #expect(vm.errors.count == 1)
        #expect(vm.attributes["cairn.error_class"]?.toSpanAttribute() == .string("permanent"))
    }

    @Test(
        "a run aborted by a store error ends every span and says so; its resume resolves the step in doubt under its own phase",
        arguments: [false, true])
    func abortedAndResolved(queued: Bool) async throws {
        let inner = InMemoryStore()
        let memory = MemoryProvider(types: ["test.net", "test.subnet", "test.vm"])
        let stack = Stack(
            name: "demo",
            resources: [
                Resource(address: "net", type: "test.net", properties: ["cidr": "10.0.0.0/16"]),
                Resource(address: "subnet", type: "test.subnet", properties: ["network_id": "${net.id}"]),
                Resource(address: "vm", type: "test.vm", properties: ["subnet_id": "${subnet.id}"]),
            ])
        func engine(_ store: any StateStore, _ observer: any RunObserver) -> Engine {
            Engine(
                configuration: .init(
                    store: store, registry: ProviderRegistry([memory]), clock: TestClock(), random: RandomSource(seed: 3),
                    observer: observer, isProcessAlive: { _ in false }, enforceStepTimeouts: false))
        }
        func watchers() -> (InMemoryLogHandler, TestMetrics, InMemoryTracer, any RunObserver) {
            var logs = InMemoryLogHandler()
            logs.logLevel = .debug
            let metrics = TestMetrics()
            let tracer = InMemoryTracer()
            let observer = FanOutRunObserver([
                LoggingRunObserver(logger: Logger(label: "test", factory: { _ in logs })),
                MetricsRunObserver(factory: metrics), TracingRunObserver(tracer: tracer),
            ])
            return (logs, metrics, tracer, queued ? QueuedRunObserver(observer) : observer)
        }

        // The second commit (net's outcome, subnet's intent) is the last: subnet is made, and
        // the commit of its outcome fails.
        let (logs, metrics, tracer, observer) = watchers()
        let crashing = engine(CrashingStore(inner, crashSwitch: CrashSwitch(afterCommits: 2)), observer)
        let plan = try await crashing.plan(stack)
        await #expect(throws: SimulatedCrash.self) { try await crashing.apply(plan, options: .init(parallelism: 1)) }
        #expect(tracer.activeSpans.isEmpty, "every span ends when the run aborts")
        let run = try #require(tracer.finishedSpans.first { $0.operationName == "cairn.run" })
        #expect(run.status?.code == .error)
        #expect(run.attributes["cairn.status"]?.toSpanAttribute() == .string("aborted"))
        #expect(run.errors.count == 1)
        let forward = try #require(tracer.finishedSpans.first { $0.operationName == "cairn.phase" })
        #expect(forward.status?.code == .error)
        typealias N = MetricsRunObserver.Names
        #expect(metrics.counterTotal(label: N.runs, dimensions: [("operation", "apply"), ("status", "aborted")]) == 1)
        let aborted = try #require(logs.entries.last)
        #expect(aborted.level == .error)
        #expect("\(aborted.message)".hasPrefix("run aborted"))
        #expect(aborted.metadata["error"] == "simulated crash")

        let (resumeLogs, resumeMetrics, resumeTracer, resumeObserver) = watchers()
        let resumed = try await engine(inner, resumeObserver).resume(stack: "demo")
        #expect(resumed.status == .succeeded)
        #expect(memory.resources.count == 3, "subnet was found by its key, not made twice")
        let spans = resumeTracer.finishedSpans
        let phases = spans.filter { $0.operationName == "cairn.phase" }
        #expect(phases.map { $0.attributes["cairn.phase"]?.toSpanAttribute() } == [.string("resolution"), .string("forward")])
        let resolve = try #require(spans.first { $0.operationName == "cairn.resolve" })
        #expect(resolve.parentSpanID == phases.first?.spanID)
        #expect(resolve.attributes["cairn.address"]?.toSpanAttribute() == .string("subnet"))
        #expect(resolve.attributes["cairn.resolution"]?.toSpanAttribute() == .string("applied"))
        #expect(
            resumeMetrics.counterTotal(label: N.resolutions, dimensions: [("type", "test.subnet"), ("outcome", "applied")]) == 1)
        let record = try #require(resumeLogs.entries.first { $0.metadata["outcome"] == "applied" })
        #expect(record.metadata["address"] == "subnet")
        #expect(record.metadata["phase"] == "resolution")
        #expect(resumeLogs.entries.contains { $0.level == .notice && $0.metadata["phase"] == "resolution" })
    }

    @Test("the fan-out observer calls each observer, in order")
    func fanOut() async throws {
        let seen = Recorder()
        let fan = FanOutRunObserver([Tagged(tag: "a", recorder: seen), Tagged(tag: "b", recorder: seen)])
        fan.phaseStarted(.forward, runID: "r", steps: 1)
        fan.driftChecked(checked: 3, driftedTypes: ["x"])
        #expect(seen.items == ["a phase", "b phase", "a drift", "b drift"])
    }
}

private final class Recorder: Sendable {
    private let state = Mutex<[String]>([])
    func add(_ s: String) { state.withLock { $0.append(s) } }
    var items: [String] { state.withLock { $0 } }
}

private struct Tagged: RunObserver {
    var tag: String
    var recorder: Recorder
    func phaseStarted(_ phase: RunPhase, runID: String, steps: Int) { recorder.add("\(tag) phase") }
    func driftChecked(checked: Int, driftedTypes: [String]) { recorder.add("\(tag) drift") }
}
