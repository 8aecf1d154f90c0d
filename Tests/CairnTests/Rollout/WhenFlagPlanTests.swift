import Cairn
import CairnTesting
import Foundation
import Testing

@Suite("Flags in plans: when on and off, flipping back, retain, causes")
struct WhenFlagPlanTests {
    static func spec(onDisable: String = "delete") -> String {
        """
        stack: site
        flags:
          cdn: { default: false, description: Front the site with a CDN }
          big: { default: false }
        resources:
          vm:
            type: test.vm
            properties: { size: "${flag.big ? 'large' : 'small'}" }
          cdn:
            type: test.cdn
            when: flag.cdn
            properties: { origin: "${vm.name}" }
            lifecycle: { on_disable: \(onDisable) }
        """
    }

    @Test("switching a flag on creates, switching it off deletes, switching it back creates again; the plan says why")
    func onOffOn() async throws {
        let h = RolloutHarness()
        let first = try await h.apply(Self.spec())
        #expect(first.status == .succeeded && first.summary.create == 1)

        let on = try await h.plan(Self.spec(), flags: ["cdn": "true"])
        #expect(on.change("cdn")?.action == .create)
        #expect(on.change("cdn")?.cause == "flag.cdn is true")
        _ = try await h.engine.apply(on)
        #expect(h.memory.resources.count == 2)

        let off = try await h.plan(Self.spec(), flags: ["cdn": "false"])
        #expect(off.change("cdn")?.action == .delete)
        #expect(off.change("cdn")?.cause == "flag.cdn is false")
        #expect(off.summary.delete == 1 && off.summary.create == 0)
        _ = try await h.engine.apply(off)
        #expect(h.memory.resources.count == 1)
        #expect(try await h.store.state(stack: "site").resources["cdn"] == nil)

        let back = try await h.plan(Self.spec(), flags: ["cdn": "true"])
        #expect(back.change("cdn")?.action == .create)
        #expect(try await h.engine.apply(back).status == .succeeded)
        #expect(h.memory.resources.count == 2)
    }

    @Test("on_disable: retain forgets the resource: out of state, still in the world, no provider call")
    func retain() async throws {
        let h = RolloutHarness()
        _ = try await h.apply(Self.spec(onDisable: "retain"), flags: ["cdn": "true"])
        let cdnID = try #require(try await h.store.state(stack: "site").resources["cdn"]?.id)
        let calls = h.memory.mutatingCalls.count

        let plan = try await h.plan(Self.spec(onDisable: "retain"))
        let change = try #require(plan.change("cdn"))
        #expect(change.action == .forget)
        #expect(change.cause == "flag.cdn is false")
        #expect(plan.summary.forget == 1 && plan.summary.delete == 0)
        #expect(plan.destructiveChanges.isEmpty)

        let result = try await h.engine.apply(plan)
        #expect(result.status == .succeeded)
        #expect(result.summary.forget == 1)
        #expect(h.memory.mutatingCalls.count == calls)
        #expect(h.memory.resources[cdnID] != nil)
        #expect(try await h.store.state(stack: "site").resources["cdn"] == nil)
        let events = try await h.store.events(runID: result.runID)
        #expect(
            events.contains { $0.kind == .outcome && $0.address == "cdn" && $0.action == "forget" && $0.status == "ok" }
        )
        #expect(try await h.plan(Self.spec(onDisable: "retain")).hasChanges == false)
    }

    @Test("a property that reads a flag names it as the cause of its update")
    func propertyCause() async throws {
        let h = RolloutHarness()
        _ = try await h.apply(Self.spec())
        let plan = try await h.plan(Self.spec(), flags: ["big": "true"])
        #expect(plan.change("vm")?.action == .update)
        #expect(plan.change("vm")?.cause == "size reads flag.big (true)")
        #expect(plan.change("vm")?.fields.map(\.path) == ["size"])
    }

    @Test("a fleet that shrinks deletes its last members and says so")
    func shrink() async throws {
        let spec = """
            stack: site
            variables:
              n: { default: 3 }
            resources:
              web:
                type: test.vm
                count: "${var.n}"
                properties: { size: small }
            """
        let h = RolloutHarness()
        _ = try await h.apply(spec)
        #expect(h.memory.resources.count == 3)
        let stack = try SpecLoader(
            registry: h.engine.configuration.registry, options: .init(variables: ["n": "1"], environment: [:])
        )
        .load(text: spec, fileName: "cairn.yaml")
        let plan = try await h.engine.plan(stack)
        #expect(plan.changes.filter { $0.action == .delete }.map(\.address).sorted() == ["web[1]", "web[2]"])
        #expect(plan.change("web[2]")?.cause == "fleet web has 1 member now")
        _ = try await h.engine.apply(plan)
        #expect(try await h.store.state(stack: "site").resources.keys.sorted() == ["web[0]"])
    }

    @Test("a whole fleet switched off: every recorded member is deleted, each saying why")
    func fleetOff() async throws {
        let spec = """
            stack: site
            flags:
              edge: { default: true }
            resources:
              web:
                type: test.vm
                when: flag.edge
                for_each: [eu, us]
                properties: { size: small }
            """
        let h = RolloutHarness()
        _ = try await h.apply(spec)
        let plan = try await h.plan(spec, flags: ["edge": "false"])
        #expect(plan.changes.map(\.action) == [.delete, .delete])
        #expect(plan.changes.allSatisfy { $0.cause == "flag.edge is false" })
    }

    @Test("each member has its own idempotency key, derived from its full address")
    func memberKeys() async throws {
        let spec = """
            stack: site
            resources:
              web:
                type: test.vm
                for_each: [eu, us]
                properties: { size: small }
            """
        let h = RolloutHarness()
        _ = try await h.apply(spec)
        let keys = h.memory.mutatingCalls.compactMap(\.key)
        #expect(keys.count == 2 && Set(keys).count == 2)
        let state = try await h.store.state(stack: "site")
        #expect(state.resources.keys.sorted() == ["web[\"eu\"]", "web[\"us\"]"])
        #expect(Set(h.memory.mutatingCalls.map(\.address)) == ["web[\"eu\"]", "web[\"us\"]"])
    }
}
