import Cairn
import CairnProviders
import CairnTesting
import Testing

/// An engine over an in-memory simulated world and store, on a virtual clock.
struct SimBed {
    let clock = TestClock()
    let world: SimWorld
    let provider: SimProvider
    let store = InMemoryStore()
    let engine: Engine

    init(faults: FaultProfile = .none, seed: UInt64 = 7) throws {
        world = try SimWorld.inMemory()
        provider = SimProvider(world: world, faults: faults, clock: clock)
        engine = Engine(
            configuration: .init(
                store: store, registry: ProviderRegistry([provider]), clock: clock, random: RandomSource(seed: seed),
                enforceStepTimeouts: false, refreshParallelism: 64))
    }

    /// Plans and applies `stack` (verify off), requiring success.
    @discardableResult
    func apply(_ stack: Stack, verify: VerifyOptions = .off) async throws -> RunResult {
        let result = try await engine.apply(
            try await engine.plan(stack), options: Executor.Options(parallelism: 64), verify: verify)
        try #require(result.status == .succeeded, "\(result.failures)")
        return result
    }

    /// The recorded id of `address`.
    func id(_ address: String, stack: String) async throws -> String {
        try #require(try await store.state(stack: stack).resources[address]?.id)
    }

    /// Creates a resource in the world tagged with `stack/address`, as a run that lost track of
    /// it would have: the state never hears of it.
    func createOrphan(
        stack: String, address: String, type: String, properties: [String: Value]
    ) async throws -> String {
        try await provider.create(
            CreateRequest(
                context: ResourceContext(stack: stack, address: address, type: type), properties: properties,
                idempotencyKey: IdempotencyKey(token: "lost-\(address)", digest: ""))
        ).id
    }
}
