import Cairn
import Foundation

extension CrashPointExplorer {
    /// One run that dies at a crash point, then its recovery and the checks.
    struct Trial {
        let explorer: CrashPointExplorer
        let crash: CrashPoint
        let recovery: Recovery
        var recoveryCrashAfter: Int? = nil

        struct Outcome {
            var crashed: Bool
            var violations: [Violation]
        }

        func engine(store: any StateStore, providers: [any Provider], pid: Int32, alive: Bool) -> Engine {
            Engine(
                configuration: .init(
                    store: store, registry: ProviderRegistry(providers), clock: TestClock(),
                    random: RandomSource(seed: explorer.seed &+ UInt64(pid)), host: "explorer", pid: pid,
                    isProcessAlive: { _ in alive }, enforceStepTimeouts: false))
        }

        func run() async throws -> Outcome {
            let world = try explorer.makeWorld()
            let durable = InMemoryStore()
            let crashSwitch: CrashSwitch
            var target: (call: Int, window: CrashGateProvider.Window)?
            switch crash {
            case .afterCommit(let k): crashSwitch = CrashSwitch(afterCommits: k)
            case .inCall(let n, let w):
                crashSwitch = CrashSwitch()
                target = (n, w)
            }
            let gated = world.providers.map { CrashGateProvider($0, crashSwitch: crashSwitch, crashInCall: target) as any Provider }
            let first = engine(store: CrashingStore(durable, crashSwitch: crashSwitch), providers: gated, pid: 1, alive: true)
            let options = Executor.Options(parallelism: explorer.parallelism)
            do {
                _ = try await first.apply(try await first.plan(explorer.stack, refresh: false), options: options)
            } catch {
                if !crashSwitch.crashed { throw error }
            }
            guard crashSwitch.crashed else { return Outcome(crashed: false, violations: []) }
            let acknowledged = try await acknowledgedCreates(durable)

            // Recover, possibly dying again during the recovery, then recover once more.
            if let k2 = recoveryCrashAfter {
                let second = CrashSwitch(afterCommits: k2)
                let gated2 = world.providers.map { CrashGateProvider($0, crashSwitch: second) as any Provider }
                let recovering = engine(store: CrashingStore(durable, crashSwitch: second), providers: gated2, pid: 2, alive: false)
                do { _ = try await recover(recovering, options: options) } catch { if !second.crashed { throw error } }
            }
            let recovering = engine(store: durable, providers: world.providers, pid: 3, alive: false)
            let result = try await recover(recovering, options: options)
            return Outcome(crashed: true, violations: try await check(result, engine: recovering, store: durable, world: world, acknowledged: acknowledged))
        }

        func recover(_ engine: Engine, options: Executor.Options) async throws -> RunResult? {
            let unfinished = try await engine.unfinishedRun(stack: explorer.stack.name)
            switch recovery {
            case .resume:
                if unfinished != nil { return try await engine.resume(stack: explorer.stack.name, options: options) }
                let plan = try await engine.plan(explorer.stack)
                return plan.hasChanges ? try await engine.apply(plan, options: options) : nil
            case .rollback:
                guard let run = try await engine.configuration.store.runs(stack: explorer.stack.name, limit: 1).first,
                    run.status != .succeeded, run.status != .rolledBack
                else { return nil }
                return try await engine.rollback(stack: explorer.stack.name, options: options)
            }
        }

        func acknowledgedCreates(_ store: InMemoryStore) async throws -> Set<String> {
            guard let run = try await store.runs(stack: explorer.stack.name, limit: 1).first else { return [] }
            return Set(
                try await store.events(runID: run.runID).filter {
                    $0.kind == .outcome && $0.status == "ok" && $0.action == "create"
                }.compactMap(\.address))
        }

        func check(
            _ result: RunResult?, engine: Engine, store: InMemoryStore, world: World, acknowledged: Set<String>
        ) async throws -> [Violation] {
            var violations: [Violation] = []
            func violation(_ invariant: String, _ detail: String) {
                violations.append(Violation(crash: crash, recovery: recovery, invariant: invariant, detail: detail))
            }
            let stackName = explorer.stack.name
            let inventory = try await world.inventory()
            let state = try await store.state(stack: stackName)
            var byAddress: [String: [String]] = [:]
            for item in inventory {
                let address = item.address.hasPrefix(stackName + "/") ? String(item.address.dropFirst(stackName.count + 1)) : item.address
                byAddress[address, default: []].append(item.id)
            }
            for (address, ids) in byAddress where ids.count > 1 {
                violation("no duplicate", "\(address) exists \(ids.count) times: \(ids.joined(separator: ", "))")
            }
            let recordedIDs = Set(state.resources.values.map(\.id))
            for item in inventory where !recordedIDs.contains(item.id) {
                violation("no orphan", "\(item.id) (\(item.address)) exists but is not recorded")
            }
            let worldIDs = Set(inventory.map(\.id))
            for record in state.resources.values where !worldIDs.contains(record.id) {
                violation("state matches world", "\(record.address) is recorded as \(record.id), which does not exist")
            }
            switch recovery {
            case .resume:
                if let result, result.status != .succeeded {
                    violation("resume finishes", "status \(result.status.rawValue): \(result.failures.map(\.message))")
                }
                for address in acknowledged where state.resources[address] == nil {
                    violation("no acknowledged step lost", "\(address) was created and acknowledged, but is not recorded")
                }
                if try await engine.plan(explorer.stack).hasChanges {
                    violation("converged", "a new plan still has changes after resume")
                }
            case .rollback:
                guard let result else { break }  // the run had finished before the crash: nothing to undo
                if result.status != .rolledBack {
                    violation("rollback finishes", "status \(result.status.rawValue); still there: \(result.remaining.map(\.address))")
                }
                if !inventory.isEmpty {
                    violation("rolled back", "still in the world: \(inventory.map(\.address).sorted().joined(separator: ", "))")
                }
            }
            return violations
        }
    }
}
