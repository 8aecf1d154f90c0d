import Cairn
import CairnProviders
import Testing

@Suite("Drift and reconcile on a 1,000-resource simulated stack")
struct DriftTests {
    /// Tampers with 5 % of the stack (25 console edits, 15 removals, 10 orphans), adds noise that
    /// must not count (reordered order-insensitive lists, edits of ignored fields), and checks
    /// that drift finds exactly the tampering and one reconcile converges it.
    @Test("finds 100 % of the tampering with no false positive, and one reconcile converges it")
    func tamperFindReconcile() async throws {
        let bed = try SimBed()
        let stack = DriftFixture.stack()
        #expect(stack.resources.count == 1000)
        try await bed.apply(stack)
        let clean = try await bed.engine.drift(stack, options: DriftOptions(parallelism: 64))
        #expect(!clean.hasDrift && clean.inSync == 1000 && clean.entries.isEmpty)

        var random = SplitMix64(seed: 2024)
        let ignoring = Set(stack.resources.filter { !$0.ignoreDrift.isEmpty }.map(\.address))
        var pool = stack.resources.filter { !ignoring.contains($0.address) }.shuffled(using: &random)
        let edited = Array(pool.filter { DriftFixture.edit(for: $0.type) != nil }.prefix(25))
        pool.removeAll { r in edited.contains { $0.address == r.address } }
        let removed = Array(pool.prefix(15))
        pool.removeFirst(15)
        for resource in edited {
            try bed.world.edit(
                id: try await bed.id(resource.address, stack: stack.name), set: DriftFixture.edit(for: resource.type)!)
        }
        for resource in removed { try bed.world.remove(id: try await bed.id(resource.address, stack: stack.name)) }

        // Orphans: eight buckets, and a network with a subnet in it (deleted subnet first).
        var orphans: Set<String> = []
        for i in 0..<8 {
            orphans.insert(
                try await bed.createOrphan(
                    stack: stack.name, address: "ghost\(i)", type: "sim.bucket",
                    properties: ["name": .string("ghost-\(i)")]))
        }
        let ghostNet = try await bed.createOrphan(
            stack: stack.name, address: "ghost_net", type: "sim.network", properties: ["cidr": "10.200.0.0/16"])
        let ghostSubnet = try await bed.createOrphan(
            stack: stack.name, address: "ghost_subnet", type: "sim.subnet",
            properties: ["network_id": .string(ghostNet), "cidr": "10.200.1.0/24"])
        orphans.formUnion([ghostNet, ghostSubnet])
        // Another stack's resource is not this stack's orphan.
        _ = try await bed.createOrphan(
            stack: "other", address: "x", type: "sim.bucket", properties: ["name": "other-x"])

        // Noise that is not drift: reordered order-insensitive lists, ignored fields.
        let untouched = pool
        var noise: [String] = []
        for resource in untouched.filter({ $0.type == "sim.security_group" }).prefix(3) {
            let id = try await bed.id(resource.address, stack: stack.name)
            let ingress = try #require(try bed.world.resource(id: id)?.properties["ingress"]?.listValue)
            try bed.world.edit(id: id, set: ["ingress": .list(ingress.reversed())])
            noise.append(resource.address)
        }
        for resource in untouched.filter({ $0.type == "sim.instance" }).prefix(3) {
            let id = try await bed.id(resource.address, stack: stack.name)
            let groups = try #require(try bed.world.resource(id: id)?.properties["security_group_ids"]?.listValue)
            try bed.world.edit(id: id, set: ["security_group_ids": .list(groups.reversed())])
            noise.append(resource.address)
        }
        let ignoredEdits = Array(ignoring.sorted().prefix(3))
        for address in ignoredEdits {
            try bed.world.edit(
                id: try await bed.id(address, stack: stack.name), set: ["tags": ["team": "b", "cost": "x"]])
        }

        let report = try await bed.engine.drift(stack, options: DriftOptions(parallelism: 64))
        let tampered = Set((edited + removed).map(\.address))
        let found = Set(report.drifted.map(\.address))
        #expect(
            found == tampered,
            "missed: \(tampered.subtracting(found).sorted()); false: \(found.subtracting(tampered).sorted())")
        #expect(Set(report.drifted.filter(\.missing).map(\.address)) == Set(removed.map(\.address)))
        #expect(Set(report.orphans.map(\.id)) == orphans)
        #expect(found.isDisjoint(with: noise))
        #expect(Set(report.ignoredOnly.map(\.address)) == Set(ignoredEdits))
        #expect(report.ignoredOnly.allSatisfy { $0.fields.allSatisfy { $0.ignored } && !$0.fields.isEmpty })
        #expect(report.inSync == 1000 - 40)
        for resource in edited {
            let entry = try #require(report.drifted.first { $0.address == resource.address })
            #expect(
                Set(entry.fields.map { ValuePath.top($0.path) }) == Set(DriftFixture.edit(for: resource.type)!.keys))
        }

        // The plan of corrections marks the drift as changed outside Cairn.
        let corrections = try await bed.engine.correctionPlan(stack, drift: report)
        for resource in edited + removed {
            #expect(corrections.change(resource.address)?.changedOutside == true, "\(resource.address)")
        }

        let result = try await bed.engine.reconcile(
            stack,
            options: ReconcileOptions(
                drift: DriftOptions(parallelism: 64), executor: Executor.Options(parallelism: 64),
                approve: { _ in true }))
        let run = try #require(result.run)
        #expect(run.status == .succeeded, "\(run.failures)")
        #expect(run.verify?.isClean == true, "\(run.verify?.mismatched ?? [])")
        #expect(result.converged)
        #expect(run.summary.delete >= orphans.count)

        let after = try await bed.engine.drift(stack, options: DriftOptions(parallelism: 64))
        #expect(!after.hasDrift, "\(after.drifted.map(\.address)) orphans: \(after.orphans.map(\.id))")
        #expect(after.inSync == 1000)
        #expect(Set(after.ignoredOnly.map(\.address)) == Set(ignoredEdits), "ignored drift is kept, and still shown")
        #expect(try await !bed.engine.plan(stack).hasChanges, "converged: a new plan changes nothing")
        for id in orphans { #expect(try bed.world.resource(id: id) == nil) }
        #expect(try bed.world.inventory().contains { $0.qualifiedAddress == "other/x" })
    }
}

/// The top-level property of a field path.
enum ValuePath {
    static func top(_ path: String) -> String { String(path.prefix { $0 != "." && $0 != "[" }) }
}
