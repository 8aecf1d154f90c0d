extension Engine {
    /// Reads every recorded resource through its provider, `refreshParallelism` at a time, and
    /// returns the state as the world has it: resources gone from the world are dropped (so
    /// the planner creates them again), and recorded properties take the world's values.
    ///
    /// A world value that equals the recorded one under the schema's normalisations, or that
    /// differs only on `ignore`d paths (by address: the spec's `ignore_drift`), keeps the
    /// recorded value, so that such drift plans no change.
    public func refresh(_ state: StackState, ignore: [String: [String]] = [:]) async throws -> StackState {
        let records = state.resources.values.sorted { $0.address < $1.address }
        let registry = configuration.registry
        let clock = configuration.clock
        let random = configuration.random
        var refreshed = state
        try await withThrowingTaskGroup(of: (String, ResourceSnapshot?).self) { group in
            var next = 0
            func launch() {
                guard next < records.count else { return }
                let record = records[next]
                next += 1
                group.addTask {
                    guard let provider = registry.provider(for: record.type) else {
                        throw ProviderError(.invalid, "no provider serves resource type \(record.type) (recorded for \(record.address))")
                    }
                    let context = ResourceContext(stack: state.stack, address: record.address, type: record.type)
                    do {
                        let snapshot = try await withRetry(policy: .default, clock: clock, random: random) {
                            try await provider.read(ReadRequest(context: context, id: record.id, properties: record.properties))
                        }
                        return (record.address, snapshot)
                    } catch let failure as RetryFailure {
                        throw RefreshFailure(address: record.address, failure: failure)
                    }
                }
            }
            for _ in 0..<max(1, configuration.refreshParallelism) { launch() }
            while let (address, snapshot) = try await group.next() {
                launch()
                guard var record = refreshed.resources[address] else { continue }
                guard let snapshot else {
                    refreshed.resources[address] = nil
                    continue
                }
                record.properties = Self.refreshedProperties(
                    record, world: snapshot.properties, schema: registry.schema(for: record.type),
                    ignore: ignore[address] ?? [])
                record.outputs.merge(snapshot.outputs) { _, new in new }
                refreshed.resources[address] = record
            }
        }
        return refreshed
    }
}

/// Thrown when a resource could not be read during refresh.
public struct RefreshFailure: Error, Sendable, CustomStringConvertible {
    public var address: String
    public var failure: RetryFailure
    public var description: String {
        "could not read \(address) to refresh it: \(failure). Retry later, or plan with --no-refresh."
    }
}
