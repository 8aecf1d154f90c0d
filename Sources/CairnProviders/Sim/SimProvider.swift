import Cairn
import Synchronization

/// The provider of the simulated cloud's `sim.*` types, over a ``SimWorld``.
///
/// It behaves like a careful cloud API: a create repeated with the same idempotency key
/// returns the first resource (and refuses a key reused with other properties), references
/// are enforced on create and delete, replace-on-change fields and shrinking volumes are
/// refused on update. It injects the faults of a ``FaultProfile`` — latency slept on the
/// injected clock, transient errors, throttling, lost responses, permanent errors, partitions
/// and read-after-write lag — reproducibly for a given seed and call sequence. ``stats``
/// counts the calls that reached the world.
public final class SimProvider: Provider {
    /// The world the provider acts on.
    public let world: SimWorld
    /// The faults it injects.
    public let faults: FaultProfile
    private let clock: any Clock<Duration>
    private let elapsed: @Sendable () -> Duration
    private let injector: FaultInjector
    private let counters = Mutex(SimStats())
    private let recentChanges = Mutex<[String: RecentChange]>([:])

    /// A change that reads may not see yet (read lag): when it happened, and what was there before.
    private struct RecentChange: Sendable {
        var at: Duration
        var previous: ResourceSnapshot?
    }

    /// Makes a provider over `world` that injects `faults`, timing latency, partitions and read
    /// lag on `clock` from this moment on.
    public init(world: SimWorld, faults: FaultProfile = .none, clock: any Clock<Duration> = ContinuousClock()) {
        self.world = world
        self.faults = faults
        self.clock = clock
        self.elapsed = Self.stopwatch(clock)
        self.injector = FaultInjector(profile: faults)
    }

    private static func stopwatch<C: Clock>(_ clock: C) -> @Sendable () -> Duration where C.Duration == Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    /// The ten `sim.*` schemas (``SimProvider/schemas``).
    public var schemas: [ResourceSchema] { Self.schemas }

    /// The counts so far.
    public var stats: SimStats { counters.withLock { $0 } }

    /// Sets every count back to zero (the world and the fault sequence are untouched).
    public func resetStats() {
        counters.withLock { $0 = SimStats() }
    }

    // MARK: - Provider

    /// Reads a resource; nil when it does not exist (or read lag hides a creation).
    public func read(_ request: ReadRequest) async throws -> ResourceSnapshot? {
        let type = try simType(request.context)
        try await admit(.read, request.context)
        count { $0.reads += 1 }
        let current = try world.resource(id: request.id).flatMap { $0.type == type.rawValue ? $0.snapshot : nil }
        return lagged(id: request.id) ?? current
    }

    /// Creates a resource, or returns the one an earlier create with the same key made.
    ///
    /// Throws `.invalid` for properties that do not fit the schema, a reference to a missing
    /// resource, or a key reused with other properties; `.timeout` after applying the create when
    /// the profile loses the response.
    public func create(_ request: CreateRequest) async throws -> ResourceSnapshot {
        let type = try simType(request.context)
        let loseResponse = try await admit(.create, request.context)
        count { $0.creates += 1 }
        let properties = try validated(type, request.properties)
        let tags = [SimResource.addressTag: request.context.qualifiedAddress]
        let outcome = try world.create(type, properties: properties, key: request.idempotencyKey, tags: tags)
        if outcome.isNew {
            recordChange(of: outcome.resource.id, previous: nil)
        } else {
            count { $0.replayedCreates += 1 }
        }
        if loseResponse { throw SimFault.lostResponse.error(.create, request.context) }
        return outcome.resource.snapshot
    }

    /// Sets the resource's properties to `request.properties` in place.
    ///
    /// Throws `.notFound` when it is gone, `.invalid` for a replace-on-change field, a shrinking
    /// volume or properties that do not fit the schema.
    public func update(_ request: UpdateRequest) async throws -> ResourceSnapshot {
        let type = try simType(request.context)
        let loseResponse = try await admit(.update, request.context)
        count { $0.updates += 1 }
        let properties = try validated(type, request.properties)
        let (before, after) = try world.update(type, id: request.id, properties: properties)
        if before != after { recordChange(of: request.id, previous: before.snapshot) }
        if loseResponse { throw SimFault.lostResponse.error(.update, request.context) }
        return after.snapshot
    }

    /// Deletes a resource; succeeds when it is already gone.
    ///
    /// Throws `.conflict` while other resources still refer to it.
    public func delete(_ request: DeleteRequest) async throws {
        let type = try simType(request.context)
        let loseResponse = try await admit(.delete, request.context)
        count { $0.deletes += 1 }
        if let deleted = try world.delete(type, id: request.id) {
            recordChange(of: deleted.id, previous: deleted.snapshot)
        }
        if loseResponse { throw SimFault.lostResponse.error(.delete, request.context) }
    }

    /// The resource a create with this key made, if it still exists (and read lag shows it).
    public func find(_ request: FindRequest) async throws -> ResourceSnapshot? {
        let type = try simType(request.context)
        try await admit(.find, request.context)
        count { $0.finds += 1 }
        guard let resource = try world.resource(idempotencyKey: request.idempotencyKey.token),
            resource.type == type.rawValue
        else { return nil }
        return lagged(id: resource.id) ?? resource.snapshot
    }

    // MARK: - Faults

    /// Sleeps the call's latency, then throws its fault if it has one; returns true when the
    /// call must go through and then lose its response.
    @discardableResult
    private func admit(_ operation: FaultProfile.Operation, _ context: ResourceContext) async throws -> Bool {
        let latency = injector.nextLatency()
        if latency > .zero { try await clock.sleep(for: latency) }
        guard let fault = injector.fault(for: operation, context, at: elapsed()) else { return false }
        count {
            $0.faultsInjected += 1
            $0.faultsByKind[fault.kind, default: 0] += 1
        }
        if fault == .lostResponse && operation.isMutating { return true }
        throw fault.error(operation, context)
    }

    // MARK: - Read lag

    /// Remembers a change so that reads within the read lag see what was there before. Several
    /// changes within one lag keep the oldest visible version.
    private func recordChange(of id: String, previous: ResourceSnapshot?) {
        let lag = faults.readLag
        guard lag > .zero else { return }
        let now = elapsed()
        recentChanges.withLock { changes in
            if let pending = changes[id], now - pending.at < lag {
                changes[id] = RecentChange(at: now, previous: pending.previous)
            } else {
                changes[id] = RecentChange(at: now, previous: previous)
            }
            if changes.count > 4096 { changes = changes.filter { now - $0.value.at < lag } }
        }
    }

    /// What a read sees of `id` while a change of it is younger than the read lag: `.some(nil)`
    /// when the resource did not exist before; nil when the lag has passed and the world shows.
    private func lagged(id: String) -> ResourceSnapshot?? {
        let lag = faults.readLag
        guard lag > .zero else { return nil }
        let now = elapsed()
        return recentChanges.withLock { changes -> ResourceSnapshot?? in
            guard let pending = changes[id], now - pending.at < lag else { return nil }
            return .some(pending.previous)
        }
    }

    // MARK: - Helpers

    private func count(_ change: (inout SimStats) -> Void) {
        counters.withLock { change(&$0) }
    }

    private func simType(_ context: ResourceContext) throws -> SimType {
        guard let type = SimType(rawValue: context.type) else {
            throw ProviderError(
                .invalid,
                "the simulated cloud has no type '\(context.type)' (\(context.qualifiedAddress)); expected one of "
                    + SimType.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        return type
    }

    private func validated(_ type: SimType, _ properties: [String: Value]) throws -> [String: Value] {
        let properties = properties.filter { $0.value != .null }
        let problems = type.problems(with: properties)
        guard problems.isEmpty else { throw ProviderError(.invalid, problems.joined(separator: "; ")) }
        return properties
    }
}
