import Cairn
import CairnTesting
import Foundation
import Testing

@Suite("Rollout waves: thresholds, halts, rollback scope, pauses")
struct WaveRunTests {
    /// net, a fleet of 10 in waves of 1, 2 and 7 members, and dns that reads every member.
    static func spec(mode: String = "halt", maxFailures: String = "1", rollback: String = "wave") -> String {
        """
        stack: fleet
        defaults:
          on_failure: \(mode)
        resources:
          net:
            type: test.net
            properties: { size: x }
          web:
            type: test.vm
            count: 10
            properties: { size: small, target: "${net.id}" }
            rollout: { waves: [1, 30%, 100%], max_failures: \(maxFailures), pause: 30s, rollback: \(rollback) }
          dns:
            type: test.cdn
            properties: { target: "${web[*].id}" }
        """
    }

    static let permanent = ProviderError(.permanent, "quota exceeded")

    @Test("the plan puts each changing member in its wave; steps get groups that never decrease along dependencies")
    func planned() async throws {
        let plan = try await RolloutHarness().plan(Self.spec())
        let rollout = try #require(plan.rollouts?.first)
        #expect(rollout.fleet == "web")
        #expect(rollout.waves.map(\.count) == [1, 2, 7])
        #expect(rollout.waves[1] == ["web[1]", "web[2]"])
        #expect(plan.change("web[0]")?.wave == 1 && plan.change("web[9]")?.wave == 3)
        #expect(plan.change("net")?.wave == nil && plan.change("dns")?.wave == nil)
        #expect(plan.waveCount == 3)
        let groups = Dictionary(uniqueKeysWithValues: Step.steps(of: plan).map { ($0.address, $0.group) })
        #expect(groups["net"] == 0 && groups["web[0]"] == 1 && groups["web[2]"] == 2 && groups["web[9]"] == 3)
        #expect(groups["dns"] == 3)  // it reads members of wave 3, so it runs with (after) them
    }

    @Test("waves run in order, each gated and journaled, with the pause between them on the injected clock")
    func allPass() async throws {
        let h = RolloutHarness()
        let result = try await h.apply(Self.spec())
        #expect(result.status == .succeeded)
        #expect(result.summary.create == 12)
        #expect(h.pauses == [.seconds(30), .seconds(30)])
        #expect(result.waves.map(\.status) == [.passed, .passed, .passed])
        #expect(result.waves.map(\.members) == [1, 2, 7])
        let events = try await h.store.events(runID: result.runID)
        let gates = events.filter { $0.kind == .gate }
        #expect(gates.map(\.status) == ["passed", "passed", "passed", "passed"])
        #expect(gates[1].detail["pause_ms"] == 30_000)
        #expect(gates.last?.detail["reason"]?.stringValue?.contains("wave 3 of web passed: 0 of 7") == true)
        // Members start only after the wave before them passed its gate.
        let order = events.compactMap { e -> String? in
            e.kind == .gate ? "gate" : (e.kind == .intent ? e.address : nil)
        }
        #expect(order.prefix(5) == ["net", "gate", "web[0]", "gate", "web[1]"])
        #expect(events.first { $0.kind == .intent && $0.address == "web[4]" }?.detail["wave"] == 3)
    }

    @Test("a wave over its threshold halts the run before the next wave, with the right count")
    func halts() async throws {
        let h = RolloutHarness()
        h.memory.fail("web[1]", times: 1, with: Self.permanent)
        h.memory.fail("web[2]", times: 1, with: Self.permanent)
        let result = try await h.apply(Self.spec())
        #expect(result.status == .halted)
        let gate = try #require(result.failures.first { $0.errorClass == "gate" })
        #expect(gate.address == "wave 2")
        #expect(
            gate.message.hasPrefix("wave 2 of web: 2 of 2 members failed, more than the 1 its max_failures (1) allows"))
        #expect(gate.message.hasSuffix("the run halts before wave 3"))
        #expect(result.waves.map(\.status) == [.passed, .failed, .notStarted])
        #expect(result.waves[1].failed == 2 && result.waves[2].notRun == 7)
        #expect(Set(result.notRun) == Set((3...9).map { "web[\($0)]" } + ["dns"]))
        #expect(h.pauses == [.seconds(30)])  // after wave 1 only
        #expect(h.memory.mutatingCalls.filter { $0.address == "web[3]" }.isEmpty)
        #expect(try await h.store.state(stack: "fleet").resources.keys.sorted() == ["net", "web[0]"])
    }

    @Test("failures within the threshold are tolerated: later waves run, the run fails without undoing anything")
    func tolerated() async throws {
        let h = RolloutHarness()
        h.memory.fail("web[1]", times: 1, with: Self.permanent)
        let result = try await h.apply(Self.spec(mode: "rollback"))
        #expect(result.status == .failed)
        #expect(result.compensated == 0)
        #expect(result.failures.map(\.address) == ["web[1]"])
        #expect(result.notRun == ["dns"])  // it reads web[1]
        #expect(result.waves.map(\.status) == [.passed, .passed, .passed])
        #expect(result.waves[1].failed == 1)
        #expect(try await h.store.state(stack: "fleet").resources.count == 10)
    }

    @Test("with rollback: wave, only the failed wave is undone; the waves before it stay")
    func rollbackWave() async throws {
        let h = RolloutHarness()
        h.memory.fail("web[2]", times: 1, with: Self.permanent)
        let result = try await h.apply(Self.spec(mode: "rollback", maxFailures: "0"))
        #expect(result.status == .halted)
        #expect(result.compensated == 1)
        #expect(try await h.store.state(stack: "fleet").resources.keys.sorted() == ["net", "web[0]"])
        let undone = try await h.store.events(runID: result.runID).filter { $0.kind == .compensationOutcome }
        #expect(undone.map(\.address) == ["web[1]"])
    }

    @Test("the last wave is judged when the run ends: over its threshold, it is rolled back too")
    func lastWave() async throws {
        let h = RolloutHarness()
        h.memory.fail("web[4]", times: 1, with: Self.permanent)
        h.memory.fail("web[7]", times: 1, with: Self.permanent)
        let result = try await h.apply(Self.spec(mode: "rollback"))
        #expect(result.status == .halted)
        #expect(result.compensated == 5)
        #expect(result.waves.map(\.status) == [.passed, .passed, .failed])
        #expect(result.failures.contains { $0.errorClass == "gate" && $0.message.contains("the last wave") })
        #expect(
            try await h.store.state(stack: "fleet").resources.keys.sorted() == ["net", "web[0]", "web[1]", "web[2]"])
    }

    @Test("with rollback: run, a breached wave undoes the whole run")
    func rollbackRun() async throws {
        let h = RolloutHarness()
        h.memory.fail("web[2]", times: 1, with: Self.permanent)
        let result = try await h.apply(Self.spec(mode: "rollback", maxFailures: "0", rollback: "run"))
        #expect(result.status == .rolledBack)
        #expect(result.compensated == 3)
        #expect(try await h.store.state(stack: "fleet").resources.isEmpty)
        #expect(h.memory.resources.isEmpty)
    }

    @Test("a failure outside the fleet still stops the run at once")
    func ordinaryFailure() async throws {
        let h = RolloutHarness()
        h.memory.fail("net", times: 1, with: Self.permanent)
        let result = try await h.apply(Self.spec(mode: "halt", maxFailures: "50%"))
        #expect(result.status == .halted)
        #expect(result.waves.map(\.status) == [.notStarted, .notStarted, .notStarted])
        #expect(h.memory.mutatingCalls.count == 1)
    }

    @Test("a plan with waves, causes and forgets survives a saved plan; a plan without them still decodes")
    func planCoding() async throws {
        let plan = try await RolloutHarness().plan(Self.spec())
        let data = try SavedPlan.encode(plan)
        #expect(try SavedPlan.decode(data, file: "p") == plan)
        var bare = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(plan)) as! [String: Any]
        bare["rollouts"] = nil
        let old = try JSONDecoder().decode(Plan.self, from: try JSONSerialization.data(withJSONObject: bare))
        #expect(old.rollouts == nil && old.changes.count == plan.changes.count)
    }
}

/// Asks the run to stop once the gate after `group` has decided.
final class StopAfterGate: RunObserver {
    let stop = StopRequest()
    let group: Int
    init(group: Int) { self.group = group }
    func gateDecided(group: Int, decision: GateDecision) {
        if group == self.group { stop.request() }
    }
}

@Suite("Rollout waves: interrupted and resumed")
struct WaveResumeTests {
    @Test("a run stopped between waves resumes with the same waves: the done ones are not repeated")
    func resume() async throws {
        let h = RolloutHarness()
        let observer = StopAfterGate(group: 1)
        let engine = Engine(
            configuration: .init(
                store: h.store, registry: h.engine.configuration.registry, clock: h.clock, random: RandomSource(seed: 3),
                observer: observer, enforceStepTimeouts: false))
        let plan = try await engine.plan(try h.load(WaveRunTests.spec()))
        let first = try await engine.apply(plan, options: .init(stop: observer.stop))
        #expect(first.status == .interrupted)
        #expect(first.waves.map(\.status) == [.passed, .notStarted, .notStarted])
        let created = h.memory.mutatingCalls.map(\.address)
        #expect(created == ["net", "web[0]"])

        let resumed = try await h.engine.resume(stack: "fleet")
        #expect(resumed.status == .succeeded)
        #expect(resumed.waves.map(\.status) == [.passed, .passed, .passed])
        #expect(h.memory.mutatingCalls.filter { $0.address == "web[0]" }.count == 1)
        #expect(try await h.store.state(stack: "fleet").resources.count == 12)
    }
}
