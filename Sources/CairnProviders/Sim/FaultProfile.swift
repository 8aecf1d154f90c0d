import Cairn

/// The faults the simulated cloud injects: latency, transient errors, throttling, lost
/// responses, permanent errors for chosen resources, partitions and read-after-write lag.
///
/// Usually loaded from YAML with ``load(yaml:source:)`` (`--faults FILE` or `CAIRN_FAULTS`):
///
/// ```yaml
/// seed: 42
/// latency: { min: 5ms, max: 40ms }
/// rules:                          # first matching rule wins; probabilities per call
///   - match: { type: sim.instance, operation: create }
///     transient: 0.3
///     throttle: 0.1               # retry_after defaults to 200ms
///     lost_response: 0.1
///   - match: { address: attach }
///     permanent: true
/// partitions:
///   - { after: 2s, duration: 3s }
/// read_lag: 300ms
/// ```
///
/// With the same seed and the same sequence of calls, the same faults happen.
public struct FaultProfile: Sendable, Hashable {
    /// The seed of the random source that draws latencies and faults.
    public var seed: UInt64
    /// How long every call takes, drawn uniformly between the bounds.
    public var latency: Latency
    /// Fault rules; the first whose match fits a call decides its faults.
    public var rules: [Rule]
    /// Windows, measured from the provider's start on its clock, in which every call fails.
    public var partitions: [Partition]
    /// Reads of a resource changed less than this long ago see the version before the change.
    public var readLag: Duration

    /// Makes a profile; the defaults inject nothing.
    public init(
        seed: UInt64 = 0, latency: Latency = .zero, rules: [Rule] = [], partitions: [Partition] = [],
        readLag: Duration = .zero
    ) {
        self.seed = seed
        self.latency = latency
        self.rules = rules
        self.partitions = partitions
        self.readLag = readLag
    }

    /// No latency, no faults, no lag: the world answers at once and always.
    public static let none = FaultProfile()

    /// The operations of the provider protocol, as rules name them.
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        case read, create, update, delete, find

        /// Whether the operation changes the world.
        public var isMutating: Bool {
            switch self {
            case .create, .update, .delete: true
            case .read, .find: false
            }
        }
    }

    /// The bounds of the latency added to each call; `min == max` gives a fixed latency.
    public struct Latency: Sendable, Hashable {
        /// The shortest latency.
        public var min: Duration
        /// The longest latency.
        public var max: Duration

        /// Makes bounds; `max` below `min` is raised to `min`.
        public init(min: Duration, max: Duration) {
            self.min = min
            self.max = Swift.max(min, max)
        }

        /// No latency.
        public static let zero = Latency(min: .zero, max: .zero)
    }

    /// Which calls a rule applies to; an absent field matches anything.
    public struct Match: Sendable, Hashable {
        /// The resource type, such as `sim.instance`.
        public var type: String?
        /// The operation.
        public var operation: Operation?
        /// The address: `vm`, also matching `vm[0]`, `vm[1]` ...; or `stack/vm` for one stack.
        public var address: String?

        /// Makes a match; with no arguments it matches every call.
        public init(type: String? = nil, operation: Operation? = nil, address: String? = nil) {
            self.type = type
            self.operation = operation
            self.address = address
        }

        /// Whether a call of `operation` on the resource in `context` fits this match.
        public func matches(_ operation: Operation, _ context: ResourceContext) -> Bool {
            if let type, type != context.type { return false }
            if let wanted = self.operation, wanted != operation { return false }
            if let address {
                let base = context.address.split(separator: "[", maxSplits: 1).first.map(String.init)
                let candidates = [
                    context.address, context.qualifiedAddress, base, base.map { "\(context.stack)/\($0)" },
                ]
                if !candidates.contains(address) { return false }
            }
            return true
        }
    }

    /// What happens to the calls a match selects. Probabilities are per call and add up to at
    /// most 1; `permanent` makes every selected call fail for good.
    public struct Rule: Sendable, Hashable {
        /// Which calls the rule applies to.
        public var match: Match
        /// The chance of a retryable error, like HTTP 503.
        public var transient: Double
        /// The chance of a throttling error that asks to wait ``retryAfter``.
        public var throttle: Double
        /// How long a throttled call is told to wait; 200 ms unless the profile says otherwise.
        public var retryAfter: Duration
        /// The chance that a change is applied and its answer lost: the call then times out.
        public var lostResponse: Double
        /// Every selected call fails with a permanent error, like HTTP 400.
        public var permanent: Bool

        /// Makes a rule; the defaults inject nothing.
        public init(
            match: Match = Match(), transient: Double = 0, throttle: Double = 0,
            retryAfter: Duration = .milliseconds(200), lostResponse: Double = 0, permanent: Bool = false
        ) {
            self.match = match
            self.transient = transient
            self.throttle = throttle
            self.retryAfter = retryAfter
            self.lostResponse = lostResponse
            self.permanent = permanent
        }
    }

    /// A window in which the cloud cannot be reached: every call fails as transient.
    public struct Partition: Sendable, Hashable {
        /// When the window opens, from the provider's start.
        public var after: Duration
        /// How long it stays open.
        public var duration: Duration

        /// Makes a window.
        public init(after: Duration, duration: Duration) {
            self.after = after
            self.duration = duration
        }

        /// Whether `elapsed` (time since the provider's start) falls inside the window.
        public func contains(_ elapsed: Duration) -> Bool {
            elapsed >= after && elapsed < after + duration
        }
    }

    /// Whether this profile injects nothing at all.
    public var injectsNothing: Bool {
        latency.max == .zero && partitions.isEmpty && readLag == .zero
            && rules.allSatisfy { !$0.permanent && $0.transient + $0.throttle + $0.lostResponse == 0 }
    }
}
