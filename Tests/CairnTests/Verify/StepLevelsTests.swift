import Cairn
import Testing

@Suite("Step groups by dependency level")
struct StepLevelsTests {
    private func steps(_ deps: [[Int]], groups: [Int]? = nil, phases: [Step.Phase]? = nil) -> [Step] {
        deps.enumerated().map { i, d in
            var step = Step(
                index: i, address: "s\(i)", type: "t", action: .create, phase: phases?[i] ?? .main, dependencies: d,
                desired: [:], prior: nil, resourceDependencies: [], retry: .none, lifecycle: .init())
            step.group = groups?[i] ?? 0
            return step
        }
    }

    @Test("a step's level is one more than its deepest dependency's")
    func levels() {
        // s0 <- s1 <- s2, s3 alone, s4 waits for s0 and s2; s5 is a deletion.
        let grouped = Step.groupedByLevel(
            steps([[], [0], [1], [], [2, 0], [4]], phases: [.main, .main, .main, .main, .main, .final]))
        #expect(grouped.map(\.group) == [0, 1, 2, 0, 3, 0])
    }

    @Test("levels nest inside groups set before (rollout waves)")
    func nested() {
        let grouped = Step.groupedByLevel(steps([[], [0], [], [2]], groups: [1, 1, 2, 2]))
        #expect(grouped.map(\.group) == [1000, 1001, 2000, 2001])
    }

    @Test("a dependency listed out of order, or on itself, still terminates with levels")
    func robust() {
        let grouped = Step.groupedByLevel(steps([[2], [1], []]))
        #expect(grouped.map(\.group) == [1, 0, 0])
    }
}
