import Cairn
import CairnTesting
import Foundation
import Testing

@Suite("Rollout groups: named groups of resources rolled out in waves")
struct RolloutGroupTests {
    /// Three CDN edges and a fleet of two, rolled out together in the order the group lists
    /// them: cdn_eu, web[0], web[1], cdn_us; then dns, which is in no rollout.
    static func spec(mode: String = "rollback", maxFailures: Int = 0, extra: String = "") -> String {
        """
        stack: edge
        defaults:
          on_failure: \(mode)
        resources:
          cdn_eu:
            type: test.cdn
            properties: { origin: eu }
          cdn_us:
            type: test.cdn
            properties: { origin: us }
          web:
            type: test.vm
            count: 2
            properties: { size: small }
          dns:
            type: test.net
            properties: { target: "${cdn_us.id}" }
        rollouts:
          edge_rollout:
            members: [cdn_eu, web, cdn_us]
            waves: [1, 50%, 100%]
            max_failures: \(maxFailures)
            pause: 10s
        \(extra)
        """
    }

    @Test("members are resolved in the order listed (a fleet's name stands for its members), and waves follow it")
    func membersAndWaves() async throws {
        let h = RolloutHarness()
        let stack = try h.load(Self.spec())
        #expect(stack.rolloutGroups.map(\.name) == ["edge_rollout"])
        #expect(stack.rolloutGroups.first?.members == ["cdn_eu", "web[0]", "web[1]", "cdn_us"])
        let plan = try await h.plan(Self.spec())
        let rollout = try #require(plan.rollouts?.first)
        #expect(rollout.fleet == "edge_rollout")
        #expect(rollout.waves == [["cdn_eu"], ["web[0]"], ["web[1]", "cdn_us"]])
        #expect(plan.changes.first { $0.address == "dns" }?.wave == nil)
    }

    @Test("a member that needs one listed after it moves to just after it: the plan shows the wave it runs in")
    func neededFirst() async throws {
        let h = RolloutHarness()
        // cdn_eu reads cdn_us's id: listed first, it must still wait for cdn_us.
        let spec = Self.spec().replacingOccurrences(
            of: "properties: { origin: eu }", with: "properties: { origin: \"${cdn_us.id}\" }")
        let plan = try await h.plan(spec)
        let rollout = try #require(plan.rollouts?.first)
        #expect(rollout.waves == [["web[0]"], ["web[1]"], ["cdn_us", "cdn_eu"]])
        #expect(plan.changes.first { $0.address == "cdn_eu" }?.wave == 3)
        let result = try await h.apply(spec)
        #expect(result.status == .succeeded)
        #expect(result.waves.map(\.members) == [1, 1, 2], "each wave ran the members the plan showed")
        let order = h.memory.mutatingCalls.map(\.address)
        #expect((order.firstIndex(of: "cdn_us") ?? 99) < (order.firstIndex(of: "cdn_eu") ?? -1))
    }

    @Test("needs through resources outside the group count; a member waits for one that moved; the rest keep their order")
    func neededFirstThroughOthers() async throws {
        // a needs d through x (outside the group); c needs a; b and e need nothing.
        let spec = """
            stack: order
            resources:
              a: { type: test.cdn, properties: { origin: "${x.id}" } }
              b: { type: test.cdn, properties: { origin: b } }
              c: { type: test.cdn, properties: { origin: "${a.id}" } }
              d: { type: test.cdn, properties: { origin: d } }
              e: { type: test.cdn, properties: { origin: e } }
              x: { type: test.net, properties: { target: "${d.id}" } }
            rollouts:
              edge:
                members: [a, b, c, d, e]
                waves: [1, 2, 100%]
            """
        let plan = try await RolloutHarness().plan(spec)
        #expect(plan.rollouts?.first?.waves == [["b"], ["d"], ["a", "c", "e"]])
    }

    @Test("a failed member halts the group at its wave; rollback: wave undoes that wave and keeps the earlier ones")
    func haltsAndRollsBackTheWave() async throws {
        let h = RolloutHarness()
        h.memory.fail("web[0]", times: 1, with: ProviderError(.permanent, "no capacity"))
        let result = try await h.apply(Self.spec())
        #expect(result.status == .halted)
        #expect(result.waves.map(\.status) == [.passed, .failed, .notStarted])
        let gate = try #require(result.failures.first { $0.errorClass == "gate" })
        #expect(gate.message.hasPrefix("wave 2 of edge_rollout: 1 of 1 members failed"), "\(gate.message)")
        #expect(h.memory.mutatingCalls.filter { ["web[1]", "cdn_us", "dns"].contains($0.address) }.isEmpty)
        #expect(try await h.store.state(stack: "edge").resources.keys.sorted() == ["cdn_eu"])
        #expect(h.pauses == [.seconds(10)])  // after wave 1 only
    }

    @Test("a healthy group runs every wave in order, pausing between them, then what depends on it")
    func runs() async throws {
        let h = RolloutHarness()
        let result = try await h.apply(Self.spec())
        #expect(result.status == .succeeded)
        #expect(result.waves.map(\.status) == [.passed, .passed, .passed])
        #expect(h.pauses == [.seconds(10), .seconds(10)])
        let order = h.memory.mutatingCalls.map(\.address)
        func at(_ a: String) -> Int { order.firstIndex(of: a) ?? -1 }
        #expect(at("cdn_eu") < at("web[0]") && at("web[0]") < at("web[1]") && at("web[0]") < at("cdn_us"))
        #expect(at("dns") > at("cdn_us"))
    }

    /// What loading `yaml` reports (empty when it loads).
    static func problems(_ yaml: String) -> [Diagnostic] {
        do {
            _ = try RolloutHarness().load(yaml)
            return []
        } catch let diagnostics as Diagnostics {
            return diagnostics.items
        } catch {
            return [Diagnostic(.error, "unexpected error type: \(error)")]
        }
    }

    @Test(
        "mistakes in rollouts: are reported with a position",
        arguments: [
            ("    members: [dns, cdn_eux]\n    waves: [1]", "names cdn_eux, which the spec does not declare"),
            ("    members: [dns, dns]\n    waves: [1]", "rollout second lists dns twice"),
            ("    members: [web]\n    waves: [1]", "web[0] is in rollout second and in rollout edge_rollout"),
            ("    waves: [1]", "rollout second has no members"),
            ("    members: dns\n    waves: [1]", "members of rollout second must be a list"),
            ("    members: [dns]\n    waves: [1]\n    speed: fast", "speed"),
            ("    members: [dns]", "rollout second has no waves"),
            ("    members: [\"web[5]\"]\n    waves: [1]", "names web[5]: fleet web has no member web[5]"),
            ("    members: [\"dns[0]\"]\n    waves: [1]", "names dns[0]: dns is not a fleet"),
            ("    members: [\"web[*]\"]\n    waves: [1]", "which is not an address"),
        ])
    func mistakes(body: String, message: String) throws {
        let problems = Self.problems(Self.spec(extra: "  second:\n" + body))
        #expect(problems.filter { $0.summary.contains(message) }.count == 1, "\(problems.map(\.summary))")
        #expect(problems.allSatisfy { $0.location != nil })
    }

    @Test("a member can be one member of a fleet; a member switched off by when: is left out")
    func memberAddressesAndWhen() async throws {
        let h = RolloutHarness()
        let one = Self.spec().replacingOccurrences(of: "members: [cdn_eu, web, cdn_us]", with: "members: [cdn_eu, 'web[1]']")
        #expect(try h.load(one).rolloutGroups.first?.members == ["cdn_eu", "web[1]"])
        let off = Self.spec()
            .replacingOccurrences(of: "stack: edge", with: "stack: edge\nflags:\n  fleet: { default: false }")
            .replacingOccurrences(of: "    count: 2", with: "    count: 2\n    when: flag.fleet")
            .replacingOccurrences(of: "members: [cdn_eu, web, cdn_us]", with: "members: [cdn_eu, 'web[0]', web, cdn_us]")
        #expect(try h.load(off).rolloutGroups.first?.members == ["cdn_eu", "cdn_us"])
    }

    @Test("a rollout named like a resource, a fleet that has a rollout of its own, and shrinking waves are refused")
    func conflicts() throws {
        let named = Self.spec().replacingOccurrences(of: "edge_rollout:", with: "dns:")
        #expect(Self.problems(named).contains { $0.summary.contains("rollout dns has the name of a resource") })
        let own = Self.spec().replacingOccurrences(
            of: "properties: { size: small }", with: "properties: { size: small }\n    rollout: { waves: [1] }")
        #expect(
            Self.problems(own).filter { $0.summary.contains("names web, which is in the rollout of fleet web") }.count == 1,
            "reported once, not per member: \(Self.problems(own).map(\.summary))")
        let shrinking = Self.spec().replacingOccurrences(of: "waves: [1, 50%, 100%]", with: "waves: [75%, 1]")
        #expect(Self.problems(shrinking).contains { $0.summary.contains("the waves of rollout edge_rollout shrink") })
        #expect(Self.problems(Self.spec()).isEmpty)
    }
}
