import Cairn
import Dispatch
import Foundation
import InMemoryTracing
import Synchronization
import Testing
import Tracing

@Suite("Queued observers")
struct QueuedRunObserverTests {
    @Test("hooks arrive in the order they were made, later, each with the time it was made")
    func orderAndTimes() async throws {
        let seen = Deliveries()
        // A window of an hour: only flush() delivers here.
        let queued = QueuedRunObserver(seen, batchWindow: .seconds(3600))
        var made: [(before: UInt64, after: UInt64)] = []
        for i in 0..<20 {
            let before = RunEventTime.present().nanosecondsSinceEpoch
            queued.stepStarted(step(i), compensation: false)
            made.append((before, RunEventTime.present().nanosecondsSinceEpoch))
        }
        #expect(seen.all.isEmpty, "nothing is delivered before the batch window has passed or a flush")
        queued.flush()
        let delivered = seen.all
        #expect(delivered.map(\.index) == Array(0..<20))
        for (d, m) in zip(delivered, made) {
            #expect(d.time.nanosecondsSinceEpoch >= m.before && d.time.nanosecondsSinceEpoch <= m.after)
        }
    }

    @Test("the end of a run returns only once every hook before it has been delivered")
    func runEndWaits() async throws {
        let seen = Deliveries()
        let queued = QueuedRunObserver(seen, batchWindow: .seconds(3600))
        for i in 0..<50 { queued.stepStarted(step(i), compensation: false) }
        queued.runAborted(runID: "r", error: ProviderError(.permanent, "the journal could not be written"))
        #expect(seen.all.count == 50)
        #expect(seen.ended == 1)
    }

    @Test("a full buffer makes the next hook wait for the observer: nothing grows without bound or is dropped")
    func backPressure() async throws {
        let gate = DispatchSemaphore(value: 0)
        let seen = Deliveries(gate: gate)
        let queued = QueuedRunObserver(seen, limit: 2, batchWindow: .zero)
        let made = Mutex(0)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            for i in 0..<5 {
                queued.stepStarted(step(i), compensation: false)
                made.withLock { $0 += 1 }
            }
            finished.signal()
        }.start()
        // A blocked producer stays blocked however long this waits; the wait only bounds how
        // long a queue without back-pressure gets to show it (it would make all 5 at once).
        try await Task.sleep(for: .milliseconds(300))
        #expect(made.withLock { $0 } < 5, "the producer waits while the observer is stuck")
        gate.signal()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                finished.wait()
                done.resume()
            }.start()
        }
        queued.flush()
        #expect(made.withLock { $0 } == 5)
        #expect(seen.all.map(\.index) == Array(0..<5))
    }

    @Test("spans delivered later keep the times of the run, and the run's span stays a child of the caller's")
    func spanTimesAndParent() async throws {
        let tracer = InMemoryTracer()
        let queued = QueuedRunObserver(TracingRunObserver(tracer: tracer), batchWindow: .seconds(3600))
        let caller = tracer.startSpan("caller")
        ServiceContext.withValue(caller.context) {
            queued.runStarted(runID: "r", plan: Plan(stack: "s", serial: 1, changes: []), operation: "apply")
        }
        let before = RunEventTime.present().nanosecondsSinceEpoch
        queued.stepStarted(step(0), compensation: false)
        queued.stepFinished(step(0), outcome: StepOutcome(status: .ok, attempts: 1, duration: .zero), compensation: false)
        let after = RunEventTime.present().nanosecondsSinceEpoch
        // Everything is delivered now, after `after`, outside the caller's context.
        queued.runAborted(runID: "r", error: ProviderError(.permanent, "stopped"))
        caller.end()
        let span = try #require(tracer.finishedSpans.first { $0.operationName == "cairn.step" })
        #expect(span.startInstant.nanosecondsSinceEpoch >= before && span.startInstant.nanosecondsSinceEpoch <= after)
        #expect(span.endInstant.nanosecondsSinceEpoch >= before && span.endInstant.nanosecondsSinceEpoch <= after)
        let run = try #require(tracer.finishedSpans.first { $0.operationName == "cairn.run" })
        #expect(run.parentSpanID == caller.context.inMemorySpanContext?.spanID)
        #expect(run.parentSpanID != nil)
    }
}

private func step(_ i: Int) -> Step {
    Step(
        index: i, address: "net_\(i)", type: "test.net", action: .create, phase: .main, dependencies: [],
        desired: [:], prior: nil, resourceDependencies: [], retry: RetryPolicy(), lifecycle: .init())
}

/// Records the steps it hears of, with the time each hook was made, optionally held at its
/// first hook until `gate` is signalled.
private final class Deliveries: RunObserver {
    struct Delivery {
        var index: Int
        var time: RunEventTime
    }

    private let state = Mutex<(seen: [Delivery], ended: Int)>(([], 0))
    private let gate: DispatchSemaphore?

    init(gate: DispatchSemaphore? = nil) { self.gate = gate }

    var all: [Delivery] { state.withLock { $0.seen } }
    var ended: Int { state.withLock { $0.ended } }

    func stepStarted(_ step: Step, compensation: Bool) {
        if let gate, step.index == 0 { gate.wait() }
        let time = RunEventTime.now
        state.withLock { $0.seen.append(Delivery(index: step.index, time: time)) }
    }

    func runAborted(runID: String, error: any Error) { state.withLock { $0.ended += 1 } }
}
