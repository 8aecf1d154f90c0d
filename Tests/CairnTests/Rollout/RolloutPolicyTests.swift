import Cairn
import Foundation
import Testing

@Suite("Rollout policy: wave sizes and thresholds")
struct RolloutPolicyTests {
    static let canary: [RolloutPolicy.Size] = [.count(1), .percent(10), .percent(50), .percent(100)]

    @Test(
        "cumulative wave sizes: percentages round up, at least 1, never shrink, the last takes everyone",
        arguments: [
            (canary, 20, [1, 2, 10, 20]),
            (canary, 10, [1, 5, 10]),  // 10% of 10 is 1: the same as the canary, so that wave is dropped
            (canary, 3, [1, 2, 3]),  // 10% of 3 rounds up to 1 (dropped); 50% of 3 rounds up to 2
            (canary, 1, [1]),
            (canary, 0, []),
            ([.percent(25)], 10, [3, 10]),  // 2.5 rounds up to 3; an implicit last wave takes the rest
            ([.percent(10)], 30, [3, 30]),  // exactly 3, not 4
            ([.percent(12)], 10, [2, 10]),  // 1.2 rounds up to 2
            ([.percent(40)], 6, [3, 6]),  // 2.4 rounds up to 3
            ([.count(5), .percent(50)], 4, [4]),  // 5 is capped at 4; 50% (2) is less, so it adds nobody
            ([.count(2), .count(4)], 3, [2, 3]),
            ([.percent(1)], 1000, [10, 1000]),
        ] as [([RolloutPolicy.Size], Int, [Int])])
    func cumulative(waves: [RolloutPolicy.Size], total: Int, expected: [Int]) {
        #expect(RolloutPolicy(waves: waves).cumulativeSizes(of: total) == expected)
    }

    @Test("wave sizes are the differences of the cumulative ones")
    func sizes() {
        #expect(RolloutPolicy(waves: Self.canary).waveSizes(of: 20) == [1, 1, 8, 10])
        #expect(RolloutPolicy(waves: Self.canary).waveSizes(of: 20).reduce(0, +) == 20)
    }

    @Test(
        "max_failures: a count (at most the wave's size) or a percentage of the wave rounded down",
        arguments: [
            (RolloutPolicy.Size.count(0), 5, 0),
            (.count(2), 1, 1),
            (.count(2), 8, 2),
            (.percent(10), 5, 0),
            (.percent(10), 10, 1),
            (.percent(20), 5, 1),
            (.percent(50), 3, 1),
            (.percent(100), 4, 4),
        ] as [(RolloutPolicy.Size, Int, Int)])
    func threshold(max: RolloutPolicy.Size, size: Int, allowed: Int) {
        #expect(RolloutPolicy(maxFailures: max).allowedFailures(inWaveOf: size) == allowed)
    }

    @Test("sizes write back as written: counts as numbers, percentages as text")
    func sizeCoding() throws {
        let policy = RolloutPolicy(waves: [.count(1), .percent(12.5)], maxFailures: .percent(10), pause: .seconds(30))
        let data = try JSONEncoder().encode(policy)
        #expect(String(decoding: data, as: UTF8.self).contains("[1,\"12.5%\"]"))
        #expect(try JSONDecoder().decode(RolloutPolicy.self, from: data) == policy)
    }
}
