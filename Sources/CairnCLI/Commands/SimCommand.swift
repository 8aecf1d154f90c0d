import ArgumentParser
import Cairn
import CairnProviders

struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim", abstract: "Look at and change the simulated cloud behind Cairn's back.",
        subcommands: [Inventory.self, Edit.self, Remove.self])

    struct Inventory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List what exists in the simulated world.")
        @OptionGroup var stackOptions: StackOptions
        @Flag(help: "Print as JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let world = try Workspace(options: stackOptions).openSimWorld()
                let items = try world.inventory()
                if json {
                    Terminal.standardOutput(
                        Value.list(
                            items.map { r in
                                .map([
                                    "id": .string(r.id), "type": .string(r.type),
                                    "idempotency_key": .string(r.idempotencyKey),
                                    "tags": .map(r.tags.mapValues(Value.string)), "properties": .map(r.properties),
                                ])
                            }
                        ).canonicalJSON)
                } else {
                    if items.isEmpty { Terminal.standardOutput("The simulated world is empty.") }
                    for r in items {
                        Terminal.standardOutput("\(r.id)  \(r.type)  \(r.tags["cairn:address"] ?? "-")  \(Value.map(r.properties).canonicalJSON)")
                    }
                }
                return ExitCodes.success
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a simulated resource's properties (to make drift).")
        @OptionGroup var stackOptions: StackOptions
        @Argument(help: "The resource id.") var id: String
        @Option(name: .customLong("set"), help: ArgumentHelp("A property to set (repeatable).", valueName: "key=value"))
        var assignments: [String] = []

        func run() async throws {
            try await reportingErrors {
                let raw = try stackOptions.keyValues(assignments, option: "set")
                guard !raw.isEmpty else { throw UsageError("give at least one --set key=value") }
                let values = raw.mapValues { text -> Value in
                    if let i = Int(text) { return .int(i) }
                    if text == "true" || text == "false" { return .bool(text == "true") }
                    return .string(text)
                }
                try Workspace(options: stackOptions).openSimWorld().edit(id: id, set: values)
                Terminal.standardOutput("Changed \(id).")
                return ExitCodes.success
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a simulated resource behind Cairn's back.")
        @OptionGroup var stackOptions: StackOptions
        @Argument(help: "The resource id.") var id: String

        func run() async throws {
            try await reportingErrors {
                try Workspace(options: stackOptions).openSimWorld().remove(id: id)
                Terminal.standardOutput("Removed \(id).")
                return ExitCodes.success
            }
        }
    }
}
