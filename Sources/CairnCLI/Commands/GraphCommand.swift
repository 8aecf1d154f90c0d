import ArgumentParser
import Cairn
import Foundation

struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the plan's dependency graph (Graphviz DOT or Mermaid), each resource with its planned action.",
        discussion: """
            An arrow runs from a resource to each resource that waits for it (the order of creation). \
            Render DOT with `dot -Tsvg`, or paste Mermaid into a Markdown file.
            """)

    /// The output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable { case dot, mermaid }

    @OptionGroup var stackOptions: StackOptions

    @Option(help: "dot or mermaid.")
    var format: Format = .dot

    @Flag(help: "Plan from recorded state without reading the world first.")
    var noRefresh = false

    func run() async throws {
        try await reportingErrors {
            let (engine, stack, _) = try Workspace(options: stackOptions).open()
            let plan = try await engine.plan(stack, refresh: !noRefresh)
            var notes: [String: String] = [:]
            var classes: [String: String] = [:]
            var edges: [String: [String]] = [:]
            for change in plan.changes {
                notes[change.address] = "\(change.type) · \(change.action == .noop ? "no change" : change.action.rawValue)"
                classes[change.address] = change.action.rawValue
                edges[change.address] = change.dependencies
            }
            let graph = DependencyGraph(nodes: plan.changes.map(\.address), edges: edges)
            switch format {
            case .dot: Terminal.standardOutput(graph.dot(name: stack.name, notes: notes, classes: classes))
            case .mermaid: Terminal.standardOutput(graph.mermaid(notes: notes, classes: classes))
            }
            return ExitCodes.success
        }
    }
}
