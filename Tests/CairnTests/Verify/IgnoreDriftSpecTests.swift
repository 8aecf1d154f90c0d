import Cairn
import Testing

@Suite("Spec: ignore_drift")
struct IgnoreDriftSpecTests {
    @Test("ignore_drift lists property names and paths, kept on the resource")
    func parses() throws {
        let stack = try SpecLoader.fixture().load(
            text: """
                stack: demo
                resources:
                  vm:
                    type: test.vm
                    properties: { subnet_id: s-1, image: debian-12, tags: { team: a } }
                    ignore_drift: [tags.team, size, tags.team]
                  one:
                    type: test.vm
                    properties: { subnet_id: s-1, image: debian-12 }
                    ignore_drift: ports
                """, fileName: "cairn.yaml")
        #expect(stack.resource("vm")?.ignoreDrift == ["tags.team", "size"])
        #expect(stack.resource("one")?.ignoreDrift == ["ports"])
        #expect(stack.ignoredDrift == ["vm": ["tags.team", "size"], "one": ["ports"]])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var line: String
        var summary: String
        var at: String
        var testDescription: String { name }
    }

    @Test(
        "bad ignore_drift entries are reported where they are written",
        arguments: [
            Case(
                name: "an unknown property", line: "ignore_drift: [tags, sise]", summary: "has no property `sise`",
                at: "6:26"),
            Case(
                name: "an unknown path root", line: "ignore_drift: [labels.team]", summary: "has no property `labels`",
                at: "6:20"),
            Case(
                name: "not a list", line: "ignore_drift: { a: 1 }", summary: "must be a list of property names",
                at: "6:19"),
            Case(name: "a number in the list", line: "ignore_drift: [3]", summary: "lists an integer", at: "6:20"),
        ])
    func diagnostics(_ c: Case) throws {
        let items = SpecLoader.fixture().diagnostics(
            for: """
                stack: demo
                resources:
                  vm:
                    type: test.vm
                    properties: { subnet_id: s-1, image: debian-12 }
                    \(c.line)
                """)
        let found = try #require(items.first { $0.summary.contains(c.summary) }, "got:\n\(Diagnostics(items))")
        let location = try #require(found.location)
        #expect("\(location.line):\(location.column)" == c.at, "\(found)")
    }

    @Test("a typo in ignore_drift gets a suggestion")
    func suggests() {
        let items = SpecLoader.fixture().diagnostics(
            for: """
                stack: demo
                resources:
                  vm:
                    type: test.vm
                    properties: { subnet_id: s-1, image: debian-12 }
                    ignore_drift: [sise]
                """)
        #expect(items.contains { $0.detail.contains("Did you mean `size`?") }, "\(Diagnostics(items))")
    }
}
