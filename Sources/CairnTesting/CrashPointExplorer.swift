import Cairn
import Foundation

/// Proves a stack's recovery: runs its plan again and again with the process dying at every
/// durable journal write, and inside the ambiguous window of every provider call (before the
/// call is applied, and after it was applied but before its answer returns); then recovers with
/// `resume` and, separately, with `rollback`, and checks the invariants:
///
/// - no duplicate in the world (one resource per address),
/// - no orphan (everything in the world is recorded in state, and the reverse),
/// - no acknowledged step lost (every create whose outcome was durable is still recorded),
/// - after resume: converged (a new plan has no changes); after rollback: nothing the run made is left.
///
/// Deterministic: the clock is virtual and the random source seeded. Use it on your own
/// stacks and providers; `makeWorld` must give a fresh, empty world each time.
public struct CrashPointExplorer: Sendable {
    /// A fresh world for one trial.
    public struct World: Sendable {
        public var providers: [any Provider]
        /// What exists: one entry per resource, with the address it was created for.
        public var inventory: @Sendable () async throws -> [(id: String, address: String)]

        public init(providers: [any Provider], inventory: @escaping @Sendable () async throws -> [(id: String, address: String)]) {
            self.providers = providers
            self.inventory = inventory
        }
    }

    /// How a trial recovers from the crash.
    public enum Recovery: String, Sendable, CaseIterable { case resume, rollback }

    /// Where the process died.
    public enum CrashPoint: Sendable, Hashable, CustomStringConvertible {
        case afterCommit(Int)
        case inCall(Int, CrashGateProvider.Window)

        public var description: String {
            switch self {
            case .afterCommit(let k): "after durable write \(k)"
            case .inCall(let n, let w): "in mutating call \(n) (\(w.rawValue))"
            }
        }
    }

    /// An invariant that did not hold.
    public struct Violation: Sendable, CustomStringConvertible {
        public var crash: CrashPoint
        public var recovery: Recovery
        public var invariant: String
        public var detail: String
        public var description: String { "crash \(crash), \(recovery): \(invariant): \(detail)" }
    }

    /// What an exploration found.
    public struct Report: Sendable, CustomStringConvertible {
        public var crashPoints = 0
        public var trials = 0
        public var violations: [Violation] = []
        public var description: String {
            "explored \(crashPoints) crash points in \(trials) trials: \(violations.count) violations"
                + violations.prefix(10).map { "\n  - \($0)" }.joined()
        }
    }

    public var stack: Stack
    public var makeWorld: @Sendable () throws -> World
    public var parallelism: Int
    public var seed: UInt64

    public init(stack: Stack, parallelism: Int = 4, seed: UInt64 = 1, makeWorld: @escaping @Sendable () throws -> World) {
        self.stack = stack
        self.makeWorld = makeWorld
        self.parallelism = parallelism
        self.seed = seed
    }

    /// Explores every crash point with every recovery in `recoveries`.
    public func explore(recoveries: [Recovery] = Recovery.allCases, ambiguousWindows: Bool = true) async throws -> Report {
        var report = Report()
        var points: [CrashPoint] = []
        var k = 1
        while true {
            let point = CrashPoint.afterCommit(k)
            let trial = try await Trial(explorer: self, crash: point, recovery: .resume).run()
            guard trial.crashed else { break }
            points.append(point)
            report.trials += 1
            report.violations += trial.violations
            k += 1
        }
        if ambiguousWindows {
            var n = 1
            while true {
                var crashedAny = false
                for window in CrashGateProvider.Window.allCases {
                    let point = CrashPoint.inCall(n, window)
                    let trial = try await Trial(explorer: self, crash: point, recovery: .resume).run()
                    guard trial.crashed else { continue }
                    crashedAny = true
                    points.append(point)
                    report.trials += 1
                    report.violations += trial.violations
                }
                guard crashedAny else { break }
                n += 1
            }
        }
        if recoveries.contains(.rollback) {
            for point in points {
                let trial = try await Trial(explorer: self, crash: point, recovery: .rollback).run()
                report.trials += 1
                report.violations += trial.violations
            }
        }
        report.crashPoints = points.count
        if !recoveries.contains(.resume) {
            report.violations.removeAll { $0.recovery == .resume }
        }
        return report
    }

    /// Crashes the first run at `first`, then the recovery at `second` (a durable write of the
    /// recovery), recovers again, and checks the invariants.
    public func exploreRecoveryCrashes(recovery: Recovery, firstCommits: ClosedRange<Int>, secondCommits: ClosedRange<Int>) async throws -> Report {
        var report = Report()
        for k1 in firstCommits {
            for k2 in secondCommits {
                let trial = try await Trial(
                    explorer: self, crash: .afterCommit(k1), recovery: recovery, recoveryCrashAfter: k2
                ).run()
                guard trial.crashed else { continue }
                report.crashPoints += 1
                report.trials += 1
                report.violations += trial.violations
            }
        }
        return report
    }
}
