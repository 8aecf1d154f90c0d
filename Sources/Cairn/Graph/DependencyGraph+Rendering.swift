extension DependencyGraph {
    /// The graph in Graphviz DOT: one node per address (labelled with its address and, when
    /// given, a second line such as its type and planned action), and an edge from each
    /// dependency to what waits for it, so arrows follow the order of creation.
    /// `classes` (e.g. the planned action) become a fill color per node.
    public func dot(name: String = "cairn", notes: [String: String] = [:], classes: [String: String] = [:]) -> String {
        var lines = ["digraph \(Self.dotID(name)) {", "  rankdir=LR;", "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f4f5\", fontname=\"Helvetica\"];"]
        for node in nodes {
            var label = Self.dotEscape(node)
            if let note = notes[node] { label += "\\n" + Self.dotEscape(note) }
            let fill = classes[node].flatMap { Self.fills[$0] }.map { ", fillcolor=\"\($0)\"" } ?? ""
            lines.append("  \(Self.dotID(node)) [label=\"\(label)\"\(fill)];")
        }
        for node in nodes {
            for dependency in dependencies(of: node) {
                lines.append("  \(Self.dotID(dependency)) -> \(Self.dotID(node));")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// The graph as a Mermaid flowchart (left to right), with the same nodes, notes, classes
    /// and edges as ``dot(name:notes:classes:)``.
    public func mermaid(notes: [String: String] = [:], classes: [String: String] = [:]) -> String {
        var ids: [String: String] = [:]
        for (i, node) in nodes.enumerated() { ids[node] = "n\(i)" }
        var lines = ["flowchart LR"]
        for node in nodes {
            var label = Self.mermaidEscape(node)
            if let note = notes[node] { label += "<br/>" + Self.mermaidEscape(note) }
            lines.append("  \(ids[node]!)[\"\(label)\"]")
        }
        for node in nodes {
            for dependency in dependencies(of: node) { lines.append("  \(ids[dependency]!) --> \(ids[node]!)") }
        }
        let used = Set(nodes.compactMap { classes[$0] })
        for name in used.sorted() {
            guard let fill = Self.fills[name] else { continue }
            lines.append("  classDef \(name) fill:\(fill),stroke:#52525b")
            let members = nodes.filter { classes[$0] == name }.compactMap { ids[$0] }
            lines.append("  class \(members.joined(separator: ",")) \(name)")
        }
        return lines.joined(separator: "\n")
    }

    /// Fill colors for the planned actions.
    static let fills: [String: String] = [
        "create": "#dcfce7", "update": "#fef9c3", "replace": "#fed7aa", "delete": "#fecaca", "noop": "#f4f4f5",
    ]

    static func dotID(_ s: String) -> String { "\"" + dotEscape(s) + "\"" }

    static func dotEscape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    static func mermaidEscape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\"": out += "#quot;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            default: out.append(c)
            }
        }
        return out
    }
}
