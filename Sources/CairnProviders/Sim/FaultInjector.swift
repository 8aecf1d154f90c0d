import Cairn
import Synchronization

/// One fault the simulated cloud injects into a call.
enum SimFault: Sendable, Hashable {
    case partition(FaultProfile.Partition)
    case permanent
    case transient
    case throttle(retryAfter: Duration)
    /// The change is applied, then the call times out.
    case lostResponse

    /// The key under which ``SimStats/faultsByKind`` counts this fault.
    var kind: String {
        switch self {
        case .partition: "partition"
        case .permanent: "permanent"
        case .transient: "transient"
        case .throttle: "throttle"
        case .lostResponse: "lost_response"
        }
    }

    /// The error the caller sees.
    func error(_ operation: FaultProfile.Operation, _ context: ResourceContext) -> ProviderError {
        let call = "\(operation.rawValue) of \(context.type) \(context.qualifiedAddress)"
        switch self {
        case .partition(let window):
            return ProviderError(
                .transient,
                "simulated partition: the cloud is unreachable from \(Self.text(window.after)) to "
                    + "\(Self.text(window.after + window.duration)) "
                    + "after start (\(call))"
            )
        case .permanent:
            return ProviderError(.permanent, "simulated permanent error (HTTP 400) on the \(call); it will not succeed")
        case .transient:
            return ProviderError(.transient, "simulated transient error (HTTP 503) on the \(call)")
        case .throttle(let retryAfter):
            return ProviderError(
                .throttled, "simulated throttling (HTTP 429) on the \(call); retry after \(Self.text(retryAfter))",
                retryAfter: retryAfter
            )
        case .lostResponse:
            let applied = operation.isMutating ? "was applied, but its answer was lost" : "got no answer"
            return ProviderError(.timeout, "simulated lost response: the \(call) \(applied)")
        }
    }

    /// `200ms`, `2s`, `1.5s`: short enough for a message.
    private static func text(_ duration: Duration) -> String {
        let milliseconds = duration / .milliseconds(1)
        if milliseconds < 1000 { return "\(Int(milliseconds.rounded()))ms" }
        let seconds = (milliseconds / 1000 * 1000).rounded() / 1000
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}

/// Draws latencies and faults from a ``FaultProfile`` with its seeded random source.
///
/// The draws happen under one lock in call order, so the same seed and the same sequence of
/// calls give the same latencies and faults.
final class FaultInjector: Sendable {
    let profile: FaultProfile
    private let random: Mutex<SimRandom>

    init(profile: FaultProfile) {
        self.profile = profile
        random = Mutex(SimRandom(seed: profile.seed))
    }

    /// The latency of the next call: uniform in the profile's bounds, at nanosecond grain.
    func nextLatency() -> Duration {
        let (low, high) = (profile.latency.min, profile.latency.max)
        guard high > low else { return low }
        let span = Double((high - low) / .nanoseconds(1))
        let unit = random.withLock { $0.unit() }
        return low + .nanoseconds(Int64((span * unit).rounded(.down)))
    }

    /// The fault for a call of `operation` on `context` at `elapsed` since the provider's start,
    /// or nil. Partitions come first, then the first matching rule.
    func fault(for operation: FaultProfile.Operation, _ context: ResourceContext, at elapsed: Duration) -> SimFault? {
        if let window = profile.partitions.first(where: { $0.contains(elapsed) }) { return .partition(window) }
        guard let rule = profile.rules.first(where: { $0.match.matches(operation, context) }) else { return nil }
        if rule.permanent { return .permanent }
        guard rule.transient + rule.throttle + rule.lostResponse > 0 else { return nil }
        let draw = random.withLock { $0.unit() }
        if draw < rule.transient { return .transient }
        if draw < rule.transient + rule.throttle { return .throttle(retryAfter: rule.retryAfter) }
        if draw < rule.transient + rule.throttle + rule.lostResponse { return .lostResponse }
        return nil
    }
}
