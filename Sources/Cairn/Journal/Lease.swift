import Foundation

/// The right to write a stack: one holder at a time, with an expiry that a heartbeat pushes
/// forward and a fencing token that grows with every takeover.
public struct Lease: Sendable, Hashable, Codable {
    public var stack: String
    public var holder: String
    public var host: String
    public var pid: Int32
    public var acquiredAt: Date
    public var expiresAt: Date
    public var fencingToken: Int64

    public init(stack: String, holder: String, host: String, pid: Int32, acquiredAt: Date, expiresAt: Date, fencingToken: Int64) {
        self.stack = stack
        self.holder = holder
        self.host = host
        self.pid = pid
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
        self.fencingToken = fencingToken
    }
}

/// Asks for a stack's lease.
public struct LeaseRequest: Sendable {
    public var stack: String
    public var holder: String
    public var host: String
    public var pid: Int32
    public var now: Date
    public var duration: Duration
    /// Decides whether an existing lease may be taken over (it expired, or its holder process
    /// is gone from this host).
    public var mayTakeOver: @Sendable (Lease) -> Bool

    public init(
        stack: String, holder: String, host: String, pid: Int32, now: Date, duration: Duration,
        mayTakeOver: @escaping @Sendable (Lease) -> Bool
    ) {
        self.stack = stack
        self.holder = holder
        self.host = host
        self.pid = pid
        self.now = now
        self.duration = duration
        self.mayTakeOver = mayTakeOver
    }

    /// The expiry a lease taken now would have.
    public var expiry: Date { now.addingTimeInterval(duration.timeInterval) }
}

/// Thrown when another holder has the stack.
public struct LeaseConflict: Error, Sendable, CustomStringConvertible {
    public var lease: Lease
    public init(lease: Lease) { self.lease = lease }

    public var description: String {
        let since = ISO8601DateFormatter().string(from: lease.acquiredAt)
        let until = ISO8601DateFormatter().string(from: lease.expiresAt)
        return "stack '\(lease.stack)' is locked by \(lease.holder) on host \(lease.host), pid \(lease.pid), "
            + "since \(since) (lease expires \(until)). Wait for it to finish, or if that process is gone "
            + "for good, run `cairn unlock --force`."
    }
}

/// Thrown when a write carries a fencing token older than the stack's current lease: this
/// process was replaced by another holder and must stop writing.
public struct FencedOff: Error, Sendable, CustomStringConvertible {
    public var stack: String
    public var token: Int64
    public var current: Int64
    public init(stack: String, token: Int64, current: Int64) {
        self.stack = stack
        self.token = token
        self.current = current
    }
    public var description: String {
        "lost the lease on stack '\(stack)': our fencing token \(token) is older than \(current); another run took over"
    }
}

extension Duration {
    /// The duration in seconds, as Foundation counts time.
    public var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
