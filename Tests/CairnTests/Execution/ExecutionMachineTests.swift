import Cairn
import Testing

private func steps(_ deps: [[Int]], types: [String]? = nil, phases: [Step.Phase]? = nil, groups: [Int]? = nil) -> [Step] {
    deps.enumerated().map { i, d in
        var step = Step(
            index: i, address: "r\(i)", type: types?[i] ?? "t", action: .create, phase: phases?[i] ?? .main,
            dependencies: d, desired: [:], prior: nil, resourceDependencies: [], retry: .default, lifecycle: .init())
        step.group = groups?[i] ?? 0
        return step
    }
}

@Suite("Execution state machine")
struct ExecutionMachineTests {
    @Test("never launches more than the parallelism", arguments: [1, 2, 5])
    func parallelism(limit: Int) {
        var m = ExecutionMachine(steps: steps(Array(repeating: [], count: 12)), configuration: .init(parallelism: limit))
        var running: [Int] = []
        var launchedTotal = 0
        repeat {
            running += m.nextLaunches()
            #expect(running.count <= limit)
            if let done = running.first {
                running.removeFirst()
                m.complete(done, succeeded: true)
                launchedTotal += 1
            }
        } while !m.isFinished
        #expect(launchedTotal == 12)
    }

    @Test("a step starts only after its dependencies succeeded")
    func order() {
        // 0 <- 1 <- 2, and 3 independent
        var m = ExecutionMachine(steps: steps([[], [0], [1], []]), configuration: .init(parallelism: 10))
        #expect(m.nextLaunches() == [0, 3])
        m.complete(3, succeeded: true)
        #expect(m.nextLaunches() == [])
        m.complete(0, succeeded: true)
        #expect(m.nextLaunches() == [1])
        m.complete(1, succeeded: true)
        #expect(m.nextLaunches() == [2])
        m.complete(2, succeeded: true)
        #expect(m.isFinished)
    }

    @Test("per-type limits hold while other types proceed")
    func typeLimits() {
        var m = ExecutionMachine(
            steps: steps(Array(repeating: [], count: 4), types: ["a", "a", "a", "b"]),
            configuration: .init(parallelism: 10, typeLimits: ["a": 1]))
        #expect(m.nextLaunches() == [0, 3])
        m.complete(0, succeeded: true)
        #expect(m.nextLaunches() == [1])
    }

    @Test("halt stops scheduling; running steps finish; the rest are not started")
    func halt() {
        var m = ExecutionMachine(steps: steps([[], [], [0], [1]]), configuration: .init(parallelism: 10, failureMode: .halt))
        #expect(m.nextLaunches() == [0, 1])
        m.complete(0, succeeded: false)
        #expect(!m.isFinished)
        m.complete(1, succeeded: true)
        #expect(m.nextLaunches() == [])
        #expect(m.isFinished)
        m.finish()
        #expect(m.statuses == [.failed, .succeeded, .notStarted, .notStarted])
    }

    @Test("continue skips only the dependents of the failed step")
    func continueMode() {
        var m = ExecutionMachine(steps: steps([[], [0], [1], []]), configuration: .init(parallelism: 1, failureMode: .continue))
        #expect(m.nextLaunches() == [0])
        m.complete(0, succeeded: false)
        #expect(m.nextLaunches() == [3])
        m.complete(3, succeeded: true)
        #expect(m.isFinished)
        #expect(m.statuses == [.failed, .skipped, .skipped, .succeeded])
    }

    @Test("final-phase steps wait for the whole main phase, and do not run after a failure")
    func finalPhase() {
        var m = ExecutionMachine(
            steps: steps([[], [], []], phases: [.main, .main, .final]), configuration: .init(parallelism: 10, failureMode: .continue))
        #expect(m.nextLaunches() == [0, 1])
        m.complete(0, succeeded: true)
        #expect(m.nextLaunches() == [])
        m.complete(1, succeeded: true)
        #expect(m.nextLaunches() == [2])

        var failing = ExecutionMachine(
            steps: steps([[], []], phases: [.main, .final]), configuration: .init(parallelism: 10, failureMode: .continue))
        #expect(failing.nextLaunches() == [0])
        failing.complete(0, succeeded: false)
        #expect(failing.nextLaunches() == [])
        #expect(failing.isFinished)
        #expect(failing.statuses[1] == .notStarted)
    }

    @Test("a later group waits until the earlier one finished and passed its gate")
    func groups() {
        var m = ExecutionMachine(
            steps: steps([[], [], [], []], phases: [.main, .main, .main, .final], groups: [0, 1, 1, 0]),
            configuration: .init(parallelism: 10))
        #expect(m.nextLaunches() == [0])
        #expect(m.groupAwaitingGate == nil)
        m.complete(0, succeeded: true)
        #expect(m.groupAwaitingGate == 0)
        #expect(m.nextLaunches() == [])
        m.passGate()
        #expect(m.nextLaunches() == [1, 2])
        m.complete(1, succeeded: true)
        m.complete(2, succeeded: true)
        #expect(m.nextLaunches() == [3])
    }

    @Test("a gate that says stop leaves later groups not started")
    func gateStops() {
        var m = ExecutionMachine(steps: steps([[], []], groups: [0, 1]), configuration: .init(parallelism: 10))
        #expect(m.nextLaunches() == [0])
        m.complete(0, succeeded: true)
        m.stop()
        #expect(m.isFinished)
        m.finish()
        #expect(m.statuses == [.succeeded, .notStarted])
    }
}
