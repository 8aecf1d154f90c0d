import Cairn
import CairnTesting
import Foundation
import Testing

@Suite("Run timeline from the journal")
struct RunTimelineTests {
    @Test("tries are placed where they happened: failed tries end when they failed, the last when the call ended")
    func measuredTries() async throws {
        let clock = TestClock()
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let memory = MemoryProvider(types: ["test.net"], latency: .milliseconds(200), clock: clock)
        // Failures come back at once; the successful call takes the provider's 200 ms.
        memory.fail("net", times: 2, with: ProviderError(.transient, "503"))
        let store = InMemoryStore()
        let engine = Engine(
            configuration: .init(
                store: store, registry: ProviderRegistry([memory]), clock: clock, random: RandomSource(seed: 11),
                now: { base.addingTimeInterval(clock.now.offset.timeInterval) }, enforceStepTimeouts: false))
        let stack = Stack(name: "t", resources: [Resource(address: "net", type: "test.net", properties: ["n": 1])])
        let result = try await engine.apply(try await engine.plan(stack), options: .init(parallelism: 1))
        #expect(result.status == .succeeded)

        let timeline = RunTimeline(events: try await store.events(runID: result.runID))
        let track = try #require(timeline.tracks.first)
        let tries = track.attempts
        #expect(tries.map(\.outcome) == ["retried", "retried", "ok"])
        let waits = tries.map(\.waitAfter)
        #expect(waits[0] > 0 && waits[1] > 0 && waits[2] == 0)
        func at(_ date: Date) -> Double { (date.timeIntervalSince(track.start) * 1000).rounded() }
        #expect(at(tries[0].start) == 0)
        #expect(at(tries[0].end) == 0, "the first try failed at once")
        #expect(at(tries[1].start) == (waits[0] * 1000).rounded())
        #expect(at(tries[1].end) == at(tries[1].start), "so did the second")
        #expect(at(tries[2].start) == ((waits[0] + waits[1]) * 1000).rounded())
        #expect(at(tries[2].end) - at(tries[2].start) == 200, "the last try took the provider's latency")
        let end = try #require(track.end)
        #expect(abs(tries[2].end.timeIntervalSince(end)) < 0.001, "on the virtual clock the outcome commits when the call ends")
    }
}
