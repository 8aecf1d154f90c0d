import Cairn
import CairnProviders

extension Bench {
    /// `cairn drift` of an applied stack of `n` wide sim resources whose reads each take 20 ms,
    /// `parallelism` reads at a time, against the bound n·L/P (every read back to back in
    /// `parallelism` lanes, nothing else). Then 5 % of the world is tampered with and drift runs
    /// again, to check it finds exactly that.
    static func drift(_ n: Int, parallelism: Int, settings: SimBed.Settings) async throws {
        var report = BenchReport(bench: "drift")
        report.count("n", n)
        report.count("parallelism", parallelism)
        let bed = try SimBed(label: "drift", settings: settings)
        defer { bed.remove() }
        let stack = SimStacks.wide(n)
        var watch = Stopwatch()
        let first = try await bed.engine.apply(
            try await bed.engine.plan(stack, refresh: false), options: Executor.Options(parallelism: 64))
        try expectSucceeded(first)
        report.figure("setup_apply_s", watch.seconds, unit: "s", "first apply with no latency, not part of the figures")

        // The same world and state, every provider call now taking 20 ms (on the real clock).
        let latency = Duration.milliseconds(20)
        let slow = SimProvider(world: bed.world, faults: FaultProfile(latency: .init(min: latency, max: latency)))
        let engine = Engine(
            configuration: Engine.Configuration(
                store: bed.store, registry: ProviderRegistry([slow]), enforceStepTimeouts: settings.stepTimeouts))
        let bound = Double(n) * 0.020 / Double(parallelism)
        let options = DriftOptions(parallelism: parallelism)

        watch = Stopwatch()
        let clean = try await engine.drift(stack, options: options)
        let seconds = watch.seconds
        try expect(!clean.hasDrift && clean.inSync == n, "the applied stack should have no drift")
        try expect(slow.stats.reads == n, "drift should read each resource once (read \(slow.stats.reads))")
        report.figure("drift_s", seconds, unit: "s", "state read + \(n) reads of 20 ms + inventory for orphans")
        report.figure("bound_s", bound, unit: "s", "N·L/P = \(n) × 20 ms / \(parallelism)")
        report.figure("ratio_to_bound", seconds / bound, unit: "×", "target ≤ 1.2")
        report.figure("reads_per_s", Double(n) / seconds, unit: "reads/s")
        watch = Stopwatch()
        _ = try await bed.store.state(stack: stack.name)
        report.figure("state_read_s", watch.seconds, unit: "s", "of which: reading the recorded state")
        watch = Stopwatch()
        _ = try await slow.inventory(stack: stack.name)
        report.figure("inventory_s", watch.seconds, unit: "s", "of which: listing the world for orphans")

        // 5 %: edit a name, and remove a resource, alternately.
        var tampered: Set<String> = []
        let state = try await bed.store.state(stack: stack.name)
        for i in stride(from: 0, to: n, by: 20) {
            let address = "net\(i)"
            let id = state.resources[address]!.id
            if (i / 20) % 2 == 0 {
                try bed.world.edit(id: id, set: ["name": "edited"])
            } else {
                try bed.world.remove(id: id)
            }
            tampered.insert(address)
        }
        watch = Stopwatch()
        let found = try await engine.drift(stack, options: options)
        report.figure(
            "drift_tampered_s", watch.seconds, unit: "s", "the same after tampering with \(tampered.count) resources")
        try expect(
            Set(found.drifted.map(\.address)) == tampered,
            "drift should find exactly the \(tampered.count) tampered resources")
        report.count("tampered_found", found.drifted.count)
        report.peakRSS()
        report.finish()
    }
}
