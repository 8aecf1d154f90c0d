import Foundation

extension RunTimeline {
    /// Latency of one resource type's forward steps.
    public struct TypeLatency: Sendable, Hashable {
        /// The resource type.
        public var type: String
        /// Finished forward steps of this type.
        public var steps: Int
        /// Median step duration, in seconds.
        public var p50: TimeInterval
        /// 95th percentile step duration, in seconds.
        public var p95: TimeInterval
        /// Retries of this type's steps.
        public var retries: Int
    }

    /// Forward steps (not compensations).
    public var forward: [Track] { tracks.filter { !$0.compensation } }
    /// Compensation steps.
    public var compensations: [Track] { tracks.filter(\.compensation) }

    /// Succeeded forward steps over finished ones (1 when none finished).
    public var successRate: Double {
        let finished = forward.filter { $0.end != nil }
        guard !finished.isEmpty else { return 1 }
        return Double(finished.filter { $0.outcome == "ok" || $0.outcome == "resolved" }.count) / Double(finished.count)
    }

    /// Failed tries that were retried, over all steps.
    public var retryCount: Int { tracks.reduce(0) { $0 + $1.attempts.filter { $0.outcome == "retried" }.count } }

    /// Retries by error class, most frequent first.
    public var retriesByClass: [(errorClass: String, count: Int)] {
        var counts: [String: Int] = [:]
        for t in tracks {
            for a in t.attempts where a.outcome == "retried" { counts[a.errorClass ?? "unknown", default: 0] += 1 }
        }
        return counts.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    /// Retries whose wait honoured a provider's throttling.
    public var throttledWaits: Int {
        tracks.reduce(0) { $0 + $1.attempts.filter { $0.outcome == "retried" && $0.throttled }.count }
    }

    /// How long the run took (to its last event when it did not finish).
    public var duration: TimeInterval {
        let last = finished ?? tracks.compactMap(\.end).max() ?? started
        return max(0, last.timeIntervalSince(started))
    }

    /// p50 and p95 of forward step durations per resource type, by type name.
    public var latencyByType: [TypeLatency] {
        let finished = forward.filter { $0.end != nil }
        return Dictionary(grouping: finished, by: \.type).map { type, tracks in
            let sorted = tracks.map(\.duration).sorted()
            return TypeLatency(
                type: type, steps: tracks.count, p50: Self.percentile(sorted, 0.5), p95: Self.percentile(sorted, 0.95),
                retries: tracks.reduce(0) { $0 + $1.attempts.filter { $0.outcome == "retried" }.count })
        }.sorted { $0.type < $1.type }
    }

    /// The chain of forward steps that decided how long the run took: from the step that
    /// finished last, back through the dependency that finished last before it started.
    /// Indices into ``tracks``, first step first.
    public var criticalPath: [Int] {
        let candidates = tracks.indices.filter { !tracks[$0].compensation && tracks[$0].end != nil }
        guard var current = candidates.max(by: { tracks[$0].end! < tracks[$1].end! }) else { return [] }
        var path = [current]
        var seen: Set<Int> = [current]
        while true {
            let deps = Set(tracks[current].dependencies)
            let before = candidates.filter {
                deps.contains(tracks[$0].address) && !seen.contains($0) && tracks[$0].end! <= tracks[current].start.addingTimeInterval(0.001)
            }
            guard let next = before.max(by: { tracks[$0].end! < tracks[$1].end! }) else { break }
            path.append(next)
            seen.insert(next)
            current = next
        }
        return path.reversed()
    }

    /// The value at fraction `q` of `sorted` (nearest rank); 0 when empty.
    static func percentile(_ sorted: [TimeInterval], _ q: Double) -> TimeInterval {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}
