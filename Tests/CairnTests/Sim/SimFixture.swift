import Cairn

@testable import CairnProviders

/// Shared helpers for the simulated-cloud tests.
enum SimFixture {
    static let stack = "test"

    static func context(_ address: String, _ type: String) -> ResourceContext {
        ResourceContext(stack: stack, address: address, type: type)
    }

    /// A key whose digest is the canonical JSON of the properties, as a stand-in for the engine's.
    static func key(_ token: String, _ properties: [String: Value]) -> IdempotencyKey {
        IdempotencyKey(token: token, digest: Value.map(properties).canonicalJSON)
    }

    static func provider(
        faults: FaultProfile = .none, clock: SimTestClock = SimTestClock()
    ) throws -> SimProvider {
        SimProvider(world: try SimWorld.inMemory(), faults: faults, clock: clock)
    }

    @discardableResult
    static func create(
        _ provider: SimProvider, _ address: String, _ type: String, _ properties: [String: Value],
        token: String? = nil
    ) async throws -> ResourceSnapshot {
        try await provider.create(
            CreateRequest(
                context: context(address, type), properties: properties,
                idempotencyKey: key(token ?? "create-\(address)", properties)
            )
        )
    }

    static func read(_ provider: SimProvider, _ address: String, _ type: String, id: String) async throws
        -> ResourceSnapshot?
    {
        try await provider.read(ReadRequest(context: context(address, type), id: id, properties: [:]))
    }

    static func update(
        _ provider: SimProvider, _ address: String, _ type: String, id: String, _ properties: [String: Value]
    ) async throws -> ResourceSnapshot {
        try await provider.update(
            UpdateRequest(
                context: context(address, type), id: id, prior: [:], properties: properties,
                changed: properties.keys.sorted(), idempotencyKey: key("update-\(address)", properties)
            )
        )
    }

    static func delete(_ provider: SimProvider, _ address: String, _ type: String, id: String) async throws {
        try await provider.delete(
            DeleteRequest(
                context: context(address, type), id: id, properties: [:],
                idempotencyKey: IdempotencyKey(token: "delete-\(address)", digest: "")
            )
        )
    }

    static func find(_ provider: SimProvider, _ address: String, _ type: String, token: String) async throws
        -> ResourceSnapshot?
    {
        try await provider.find(
            FindRequest(context: context(address, type), idempotencyKey: IdempotencyKey(token: token, digest: ""))
        )
    }

    /// A network, a subnet in it and an instance in the subnet; returns their ids.
    static func basicTopology(_ provider: SimProvider) async throws -> (
        network: String, subnet: String, instance: String
    ) {
        let network = try await create(provider, "net", "sim.network", ["cidr": "10.0.0.0/16"]).id
        let subnet = try await create(
            provider, "subnet", "sim.subnet", ["network_id": .string(network), "cidr": "10.0.1.0/24"]
        ).id
        let instance = try await create(
            provider, "vm", "sim.instance", ["subnet_id": .string(subnet), "image": "debian-12", "size": "small"]
        ).id
        return (network, subnet, instance)
    }

    /// Runs `body` and returns the `ProviderError` it throws, or nil when it throws none.
    static func providerError(_ body: () async throws -> Void) async -> ProviderError? {
        do {
            try await body()
            return nil
        } catch let error as ProviderError {
            return error
        } catch {
            return ProviderError(.transient, "unexpected error type: \(error)")
        }
    }
}
