import Cairn
import CairnProviders
import Testing

@Suite("Plan: changes made outside Cairn")
struct PlanChangedOutsideTests {
    static let stack = Stack(
        name: "outside",
        resources: [
            Resource(address: "net", type: "sim.network", properties: ["cidr": "10.0.0.0/16", "name": "net"]),
            Resource(
                address: "sg", type: "sim.security_group",
                properties: [
                    "network_id": "${net.id}", "name": "web",
                    "ingress": [["port": 443, "cidr": "0.0.0.0/0"], ["port": 80, "cidr": "0.0.0.0/0"]],
                ]),
            Resource(
                address: "dns", type: "sim.dns_record",
                properties: ["zone": "example.test", "name": "www", "value": "1.2.3.4"]),
            Resource(address: "bucket", type: "sim.bucket", properties: ["name": "logs"]),
        ])

    @Test("drift-driven changes are marked; spec edits are not; normalised noise plans nothing")
    func marks() async throws {
        let bed = try SimBed()
        try await bed.apply(Self.stack)
        try bed.world.edit(id: try await bed.id("dns", stack: "outside"), set: ["value": "6.6.6.6"])
        try bed.world.remove(id: try await bed.id("bucket", stack: "outside"))
        let sg = try await bed.id("sg", stack: "outside")
        let ingress = try #require(try bed.world.resource(id: sg)?.properties["ingress"]?.listValue)
        try bed.world.edit(id: sg, set: ["ingress": .list(ingress.reversed())])
        var edited = Self.stack
        edited.resources[0].properties["name"] = "renamed"

        let plan = try await bed.engine.plan(edited)
        #expect(plan.change("dns")?.action == .update)
        #expect(plan.change("dns")?.changedOutside == true)
        #expect(plan.change("dns")?.fields.map(\.changedOutside) == [true])
        #expect(plan.change("bucket")?.action == .create)
        #expect(plan.change("bucket")?.changedOutside == true)
        #expect(plan.change("net")?.action == .update)
        #expect(plan.change("net")?.changedOutside == false, "a spec edit is not a change outside Cairn")
        #expect(plan.change("sg")?.action == .noop, "a reordered order-insensitive list is not drift")

        let unrefreshed = try await bed.engine.plan(edited, refresh: false)
        #expect(unrefreshed.change("dns")?.action == .noop)
        #expect(unrefreshed.changes.allSatisfy { $0.changedOutside == nil })
    }

    @Test("ignore_drift keeps a plan from undoing the drift")
    func ignored() async throws {
        let bed = try SimBed()
        var stack = Self.stack
        try await bed.apply(stack)
        try bed.world.edit(id: try await bed.id("dns", stack: "outside"), set: ["value": "6.6.6.6"])
        #expect(try await bed.engine.plan(stack).change("dns")?.action == .update)
        stack.resources[2].ignoreDrift = ["value"]
        #expect(try await bed.engine.plan(stack).change("dns")?.action == .noop)
    }

    @Test("a property removed, or added, in the world is planned back to the declaration")
    func removedAndAddedProperties() async throws {
        let bed = try SimBed()
        try await bed.apply(Self.stack)
        try bed.world.edit(id: try await bed.id("net", stack: "outside"), set: ["name": .null, "region": "elsewhere"])
        let plan = try await bed.engine.plan(Self.stack)
        let net = try #require(plan.change("net"))
        #expect(net.action == .update)
        #expect(Set(net.fields.map(\.path)) == ["name", "region"])
        #expect(net.fields.allSatisfy { $0.changedOutside == true })
        let result = try await bed.engine.apply(plan, verify: VerifyOptions())
        #expect(result.verify?.isClean == true)
        #expect(try await !bed.engine.plan(Self.stack).hasChanges)
    }
}
