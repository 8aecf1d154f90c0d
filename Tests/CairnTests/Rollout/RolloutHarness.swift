import Cairn
import CairnTesting
import Foundation

/// An engine over a memory provider whose types accept the properties the rollout specs use,
/// on a virtual clock; specs are loaded from YAML like the CLI does.
struct RolloutHarness {
    let clock = TestClock()
    let store = InMemoryStore()
    let memory: MemoryProvider
    let engine: Engine

    init() {
        let properties = [
            PropertySchema("size", .string), PropertySchema("origin", .string), PropertySchema("image", .string),
            PropertySchema("target", .any),
        ]
        memory = MemoryProvider(
            types: ["test.vm", "test.cdn", "test.net"],
            schemas: ["test.vm", "test.cdn", "test.net"].map {
                ResourceSchema(type: $0, properties: properties, outputs: ["id", "name"])
            },
            latency: .milliseconds(5), clock: clock)
        engine = Engine(
            configuration: .init(
                store: store, registry: ProviderRegistry([memory]), clock: clock, random: RandomSource(seed: 7),
                enforceStepTimeouts: false))
    }

    func load(_ yaml: String, flags: [String: String] = [:]) throws -> Stack {
        try SpecLoader(registry: engine.configuration.registry, options: .init(flags: flags, environment: [:]))
            .load(text: yaml, fileName: "cairn.yaml")
    }

    func plan(_ yaml: String, flags: [String: String] = [:]) async throws -> Plan {
        try await engine.plan(try load(yaml, flags: flags))
    }

    func apply(_ yaml: String, flags: [String: String] = [:], options: Executor.Options = .init()) async throws
        -> RunResult
    {
        try await engine.apply(try await plan(yaml, flags: flags), options: options)
    }

    /// Pauses of at least a second (the provider's latency sleeps are shorter).
    var pauses: [Duration] { clock.sleeps.filter { $0 >= .seconds(1) } }
}
