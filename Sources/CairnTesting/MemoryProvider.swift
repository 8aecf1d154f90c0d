import Cairn
import Foundation
import Synchronization

/// An in-memory provider for any resource types, for testing workflows and the engine:
/// client-token semantics like a real cloud, scripted failures, and a record of every call
/// and of the highest number of calls in flight at once.
public final class MemoryProvider: Provider {
    /// One call the provider received.
    public struct Call: Sendable, Hashable {
        public var operation: String
        public var address: String
        public var key: String?
    }

    private struct World {
        var resources: [String: ResourceSnapshot] = [:]
        var byKey: [String: String] = [:]
        var next = 0
        var calls: [Call] = []
        var inFlight = 0
        var maxInFlight = 0
        var failures: [String: [ProviderError]] = [:]
    }

    public let schemas: [ResourceSchema]
    private let world = Mutex(World())
    private let latency: Duration
    private let clock: any Clock<Duration>

    /// A provider serving `types`; every property is accepted (kind `any`) unless `schemas` is given.
    public init(types: [String] = ["test.thing"], schemas: [ResourceSchema]? = nil, latency: Duration = .zero,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.schemas = schemas ?? types.map { ResourceSchema(type: $0, properties: [], outputs: ["id", "name"]) }
        self.latency = latency
        self.clock = clock
    }

    /// Makes the next mutating calls on `address` fail with these errors, one per call, in order.
    public func fail(_ address: String, with errors: [ProviderError]) {
        world.withLock { $0.failures[address, default: []] += errors }
    }

    /// Makes every call on `address` fail with `error`, `times` times.
    public func fail(_ address: String, times: Int, with error: ProviderError) {
        fail(address, with: Array(repeating: error, count: times))
    }

    public var calls: [Call] { world.withLock { $0.calls } }
    /// Calls that changed (or tried to change) the world.
    public var mutatingCalls: [Call] { calls.filter { ["create", "update", "delete"].contains($0.operation) } }
    public var maxInFlight: Int { world.withLock { $0.maxInFlight } }
    /// What exists now, by id.
    public var resources: [String: ResourceSnapshot] { world.withLock { $0.resources } }

    private func enter(_ operation: String, _ context: ResourceContext, key: String?) throws {
        try world.withLock { w in
            w.calls.append(Call(operation: operation, address: context.address, key: key))
            w.inFlight += 1
            w.maxInFlight = max(w.maxInFlight, w.inFlight)
            if ["create", "update", "delete"].contains(operation), var queue = w.failures[context.address], !queue.isEmpty {
                let error = queue.removeFirst()
                w.failures[context.address] = queue
                w.inFlight -= 1
                throw error
            }
        }
    }

    private func leave() { world.withLock { $0.inFlight -= 1 } }

    private func pause() async throws {
        if latency > .zero { try await clock.sleep(for: latency) } else { await Task.yield() }
    }

    public func read(_ request: ReadRequest) async throws -> ResourceSnapshot? {
        try enter("read", request.context, key: nil)
        defer { leave() }
        return world.withLock { $0.resources[request.id] }
    }

    public func create(_ request: CreateRequest) async throws -> ResourceSnapshot {
        try enter("create", request.context, key: request.idempotencyKey.token)
        defer { leave() }
        try await pause()
        return world.withLock { w in
            if let id = w.byKey[request.idempotencyKey.token], let existing = w.resources[id] { return existing }
            w.next += 1
            let id = "\(request.context.type.split(separator: ".").last ?? "r")-\(w.next)"
            let snapshot = ResourceSnapshot(
                id: id, properties: request.properties, outputs: ["id": .string(id), "name": .string(request.context.address)])
            w.resources[id] = snapshot
            w.byKey[request.idempotencyKey.token] = id
            return snapshot
        }
    }

    public func update(_ request: UpdateRequest) async throws -> ResourceSnapshot {
        try enter("update", request.context, key: request.idempotencyKey.token)
        defer { leave() }
        try await pause()
        return try world.withLock { w in
            guard var r = w.resources[request.id] else { throw ProviderError(.notFound, "\(request.id) does not exist") }
            r.properties = request.properties
            w.resources[request.id] = r
            return r
        }
    }

    public func delete(_ request: DeleteRequest) async throws {
        try enter("delete", request.context, key: request.idempotencyKey.token)
        defer { leave() }
        try await pause()
        world.withLock { _ = $0.resources.removeValue(forKey: request.id) }
    }

    public func find(_ request: FindRequest) async throws -> ResourceSnapshot? {
        try enter("find", request.context, key: request.idempotencyKey.token)
        defer { leave() }
        return world.withLock { w in w.byKey[request.idempotencyKey.token].flatMap { w.resources[$0] } }
    }

    /// What exists, with the address each resource was created for (for the crash-point explorer).
    public var inventory: [(id: String, address: String)] {
        resources.map { ($0.key, $0.value.outputs["name"]?.stringValue ?? "?") }.sorted { $0.id < $1.id }
    }

    /// Changes a resource behind the engine's back (to make drift).
    public func edit(id: String, _ change: (inout ResourceSnapshot) -> Void) {
        world.withLock { w in
            if var r = w.resources[id] {
                change(&r)
                w.resources[id] = r
            }
        }
    }

    /// Deletes a resource behind the engine's back.
    public func remove(id: String) { world.withLock { _ = $0.resources.removeValue(forKey: id) } }
}
