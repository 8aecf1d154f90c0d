import Foundation

/// How a fleet's changes roll out: in waves of growing size, each of which must stay within a
/// failure threshold (and pass verification) before the next one starts.
///
/// ```yaml
/// rollout: { waves: [1, 10%, 50%, 100%], max_failures: 1, pause: 30s, verify: true, rollback: wave }
/// ```
///
/// Wave sizes are cumulative and counted over the fleet's members that the plan changes, in
/// member order (see ``cumulativeSizes(of:)`` for the rounding).
public struct RolloutPolicy: Sendable, Hashable, Codable {
    /// One entry of `waves:`: how many members have rolled out once the wave is done.
    public enum Size: Sendable, Hashable, Codable, CustomStringConvertible {
        /// This many members (more than the fleet has means all of them).
        case count(Int)
        /// This percentage of the members, rounded up, at least one.
        case percent(Double)

        /// `3` or `10%`.
        public var description: String {
            switch self {
            case .count(let n): "\(n)"
            case .percent(let p): "\(RolloutPolicy.text(p))%"
            }
        }

        /// Reads a whole number (`3`) or a percentage (`"10%"`).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let n = try? container.decode(Int.self) {
                self = .count(n)
                return
            }
            let text = try container.decode(String.self)
            guard text.hasSuffix("%"), let p = Double(text.dropLast()) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a wave size: \(text)")
            }
            self = .percent(p)
        }

        /// Writes a whole number or a percentage text.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .count(let n): try container.encode(n)
            case .percent: try container.encode(description)
            }
        }
    }

    /// Which steps a rollback compensates when a wave breaches its threshold.
    public enum RollbackScope: String, Sendable, Hashable, Codable, CaseIterable {
        /// Only the failed wave; the waves before it stay in place (the run ends `halted`).
        case wave
        /// Everything the run did (the run ends `rolled_back`).
        case run
    }

    /// Cumulative wave sizes, as written.
    public var waves: [Size]
    /// How many members of one wave may fail before the run halts: a count, or a percentage of
    /// the wave's size rounded down.
    public var maxFailures: Size
    /// How long to wait between waves, on the run's clock.
    public var pause: Duration
    /// Whether each wave must pass verification before the next starts.
    public var verify: Bool
    /// What a rollback undoes when a wave breaches its threshold (with failure mode `rollback`).
    public var rollback: RollbackScope

    /// A policy; by default one wave of everything, no failure tolerated, no pause.
    public init(
        waves: [Size] = [.percent(100)], maxFailures: Size = .count(0), pause: Duration = .zero, verify: Bool = false,
        rollback: RollbackScope = .wave
    ) {
        self.waves = waves
        self.maxFailures = maxFailures
        self.pause = pause
        self.verify = verify
        self.rollback = rollback
    }

    /// How many members have rolled out after each wave, for `total` members.
    ///
    /// A count is capped at `total`; a percentage is rounded up and is at least 1. Sizes never
    /// decrease (a smaller one counts as the one before it), a wave that adds nobody is
    /// dropped, and the last wave always takes every member: `[1, 10%, 50%]` over 20 members
    /// gives `[1, 2, 10, 20]`. No members, no waves.
    public func cumulativeSizes(of total: Int) -> [Int] {
        guard total > 0 else { return [] }
        var out: [Int] = []
        var last = 0
        for size in waves {
            let reached = max(last, Self.members(size, of: total))
            if reached > last {
                out.append(reached)
                last = reached
            }
        }
        if last < total { out.append(total) }
        return out
    }

    /// How many members each wave adds, for `total` members: the differences of
    /// ``cumulativeSizes(of:)``.
    public func waveSizes(of total: Int) -> [Int] {
        var previous = 0
        return cumulativeSizes(of: total).map { size in
            defer { previous = size }
            return size - previous
        }
    }

    /// How many failures a wave of `size` members tolerates: the count (at most the size), or
    /// the percentage of the size rounded down.
    public func allowedFailures(inWaveOf size: Int) -> Int {
        switch maxFailures {
        case .count(let n): min(max(0, n), size)
        case .percent(let p): min(size, Int((p * Double(size) / 100 + 1e-9).rounded(.down)))
        }
    }

    /// The members of `total` that a size names: a count capped at `total`, a percentage
    /// rounded up and at least 1.
    static func members(_ size: Size, of total: Int) -> Int {
        switch size {
        case .count(let n): return min(max(0, n), total)
        case .percent(let p):
            // Subtract a hair before rounding up, so that 10% of 30 is 3, not 4.
            let exact = p * Double(total) / 100
            return min(total, max(1, Int((exact - 1e-9).rounded(.up))))
        }
    }

    static func text(_ p: Double) -> String {
        p.rounded() == p ? String(Int(p)) : String(p)
    }
}
