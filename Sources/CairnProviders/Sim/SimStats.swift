/// What a ``SimProvider`` has done since it was made (or since ``SimProvider/resetStats()``).
///
/// The operation counts are calls that got past injected faults and reached the world,
/// whatever the world answered; a call refused by a fault counts only in ``faultsInjected``.
/// A lost response counts in both: its change reached the world.
public struct SimStats: Sendable, Hashable {
    /// `read` calls that reached the world.
    public var reads = 0
    /// `find` calls that reached the world.
    public var finds = 0
    /// `create` calls that reached the world, repeats of a known key included.
    public var creates = 0
    /// `create` calls answered with the resource an earlier call with the same key made.
    public var replayedCreates = 0
    /// `update` calls that reached the world.
    public var updates = 0
    /// `delete` calls that reached the world, deletes of what was already gone included.
    public var deletes = 0
    /// Faults injected, all kinds together.
    public var faultsInjected = 0
    /// Faults injected by kind: `partition`, `permanent`, `transient`, `throttle`, `lost_response`.
    public var faultsByKind: [String: Int] = [:]

    /// Makes empty counts.
    public init() {}

    /// Creates, updates and deletes that reached the world: zero when a run changed nothing.
    public var mutatingCalls: Int { creates + updates + deletes }
}
