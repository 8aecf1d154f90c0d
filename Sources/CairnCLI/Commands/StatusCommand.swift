import ArgumentParser
import Cairn
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show recorded resources, the lock and recent runs.")

    @OptionGroup var stackOptions: StackOptions

    @Flag(help: "Print as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let workspace = Workspace(options: stackOptions)
            let (engine, stack, _) = try workspace.open()
            let store = engine.configuration.store
            let state = try await store.state(stack: stack.name)
            let lease = try await store.lease(stack: stack.name)
            let runs = try await store.runs(stack: stack.name, limit: 20)
            let resources = state.resources.values.sorted { $0.address < $1.address }
            if json {
                let iso = ISO8601DateFormatter()
                let value: Value = .map([
                    "stack": .string(stack.name), "serial": .int(Int(state.serial)),
                    "lock": lease.map { l in
                        .map([
                            "holder": .string(l.holder), "host": .string(l.host), "pid": .int(Int(l.pid)),
                            "expires_at": .string(iso.string(from: l.expiresAt)),
                        ])
                    } ?? .null,
                    "resources": .list(
                        resources.map { r in
                            .map([
                                "address": .string(r.address), "type": .string(r.type), "id": .string(r.id),
                                "properties": .map(r.properties), "outputs": .map(r.outputs),
                            ])
                        }),
                    "runs": .list(
                        runs.map { r in
                            .map([
                                "run_id": .string(r.runID), "status": .string(r.status.rawValue),
                                "operation": .string(r.operation), "started_at": .string(iso.string(from: r.startedAt)),
                                "finished_at": r.finishedAt.map { .string(iso.string(from: $0)) } ?? .null,
                            ])
                        }),
                ])
                Terminal.standardOutput(value.canonicalJSON)
                return ExitCodes.success
            }
            var lines = ["Stack \(stack.name): state serial \(state.serial), \(resources.count) resources."]
            if let lease { lines.append("Locked by \(lease.holder) on \(lease.host), pid \(lease.pid), until \(lease.expiresAt).") }
            for r in resources { lines.append("  \(r.address)  \(r.type)  \(r.id)") }
            if !runs.isEmpty { lines.append("Recent runs:") }
            for r in runs { lines.append("  \(r.runID)  \(r.operation)  \(r.status.rawValue)  started \(r.startedAt)") }
            Terminal.standardOutput(lines.joined(separator: "\n"))
            return ExitCodes.success
        }
    }
}
