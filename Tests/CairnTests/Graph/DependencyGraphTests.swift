import Cairn
import Testing

@Suite("Dependency graph")
struct DependencyGraphTests {
    /// net <- subnet <- vm <- attach -> volume; dns -> vm
    static let graph = DependencyGraph(
        nodes: ["net", "volume", "subnet", "vm", "attach", "dns"],
        edges: ["subnet": ["net"], "vm": ["subnet"], "attach": ["vm", "volume"], "dns": ["vm"]])

    @Test("dependencies come first; ties go to the node declared first")
    func topologicalOrder() {
        #expect(Self.graph.topologicalOrder() == ["net", "volume", "subnet", "vm", "attach", "dns"])
        #expect(Self.graph.reverseTopologicalOrder() == ["dns", "attach", "vm", "subnet", "volume", "net"])
        let reversedDeclaration = DependencyGraph(nodes: ["c", "b", "a"], edges: ["c": ["a"]])
        #expect(reversedDeclaration.topologicalOrder() == ["b", "a", "c"])
    }

    @Test("neighbours, direct and transitive")
    func neighbours() {
        #expect(Self.graph.dependencies(of: "attach") == ["vm", "volume"])
        #expect(Self.graph.dependents(of: "vm") == ["attach", "dns"])
        #expect(Self.graph.transitiveDependents(of: "net") == ["subnet", "vm", "attach", "dns"])
        #expect(Self.graph.transitiveDependencies(of: "attach") == ["net", "volume", "subnet", "vm"])
        #expect(Self.graph.dependents(of: "unknown") == [])
        #expect(Self.graph.cycles() == [])
        #expect(Self.graph.firstCycle() == nil)
    }

    @Test("edges to unknown nodes and repeats are ignored")
    func unknownEdges() {
        let graph = DependencyGraph(nodes: ["a", "b", "a"], edges: ["a": ["b", "b", "ghost"]])
        #expect(graph.nodes == ["a", "b"])
        #expect(graph.dependencies(of: "a") == ["b"])
        #expect(graph.topologicalOrder() == ["b", "a"])
    }

    @Test("each cycle is reported once, as a path from its first-declared node")
    func cycles() {
        let graph = DependencyGraph(
            nodes: ["net", "subnet", "vm", "x", "y", "z", "self", "free"],
            edges: [
                "subnet": ["net", "vm"], "vm": ["subnet"],
                "x": ["y"], "y": ["z"], "z": ["x", "y"],
                "self": ["self"], "free": ["net"],
            ])
        #expect(graph.cycles() == [["subnet", "vm", "subnet"], ["x", "y", "z", "x"], ["self", "self"]])
        #expect(graph.firstCycle() == ["subnet", "vm", "subnet"])
        let order = graph.topologicalOrder()
        #expect(order.count == 8, "nodes on cycles still appear, last")
        #expect(Array(order.prefix(2)) == ["net", "free"])
    }

    @Test("long chains need no deep recursion")
    func longChain() {
        let count = 50_000
        let nodes = (0..<count).map { "n\($0)" }
        var edges: [String: [String]] = [:]
        for i in 1..<count { edges["n\(i)"] = ["n\(i - 1)"] }
        edges["n0"] = ["n\(count - 1)"]
        let graph = DependencyGraph(nodes: nodes, edges: edges)
        let cycle = graph.firstCycle()
        #expect(cycle?.count == count + 1)
        #expect(cycle?.first == "n0")
        #expect(cycle?.dropFirst().first == "n\(count - 1)")
    }

    @Test("a stack's graph follows references and depends_on")
    func fromStack() {
        let stack = Stack(
            name: "demo",
            resources: [
                Resource(address: "net", type: "t", properties: [:]),
                Resource(address: "vm", type: "t", properties: ["subnet_id": "${net.id}"]),
                Resource(address: "dns", type: "t", properties: [:], dependsOn: ["vm"]),
            ])
        let graph = DependencyGraph(stack: stack)
        #expect(graph.dependents(of: "net") == ["vm"])
        #expect(graph.topologicalOrder() == ["net", "vm", "dns"])
    }
}
