import Cairn
import Foundation
import Testing

/// Hostile documents are refused before they cost much: these are guards, so the timings
/// asserted are generous ceilings, not benchmarks.
@Suite("Spec guards against hostile documents")
struct SpecGuardTests {
    /// Refuses `text`, within `limit`, with a diagnostic whose summary contains `fragment`.
    private func expectRefused(
        _ text: String, saying fragment: String, within limit: Duration = .seconds(1),
        loader: SpecLoader = .fixture(), sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        var items: [Diagnostic] = []
        let elapsed = ContinuousClock().measure { items = loader.diagnostics(for: text) }
        #expect(elapsed < limit, "took \(elapsed)", sourceLocation: sourceLocation)
        #expect(items.count == 1, "\(Diagnostics(items))", sourceLocation: sourceLocation)
        #expect(
            items.first?.summary.contains(fragment) == true, "\(Diagnostics(items))", sourceLocation: sourceLocation)
        #expect((items.first?.location?.line ?? 0) > 0, "refusals have a position", sourceLocation: sourceLocation)
    }

    @Test("a billion laughs is refused fast")
    func billionLaughs() {
        var lines = ["stack: demo", #"a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append(
                "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
        }
        expectRefused(
            lines.joined(separator: "\n"),
            saying: "document expands to more than 200000 values once its aliases are expanded")
    }

    @Test("a document nested 10,000 levels deep is refused fast", arguments: ["[", "{a: "])
    func deepFlowNesting(opener: String) {
        let closer = opener == "[" ? "]" : "}"
        let text =
            "stack: demo\nx: " + String(repeating: opener, count: 10_000) + "1"
            + String(repeating: closer, count: 10_000)
        expectRefused(text, saying: "document nests deeper than 64 levels")
    }

    @Test("deep nesting by indentation is refused")
    func deepBlockNesting() {
        var text = "stack: demo\n"
        for level in 0..<300 { text += String(repeating: " ", count: level) + "k:\n" }
        expectRefused(text, saying: "document nests deeper than 64 levels")
        expectRefused(
            "x:\n  " + String(repeating: "- ", count: 10_000) + "1", saying: "document nests deeper than 64 levels")
    }

    @Test("an oversize document is refused before parsing")
    func oversize() throws {
        let big = "stack: demo\n# " + String(repeating: "x", count: 4 << 20) + "\n"
        expectRefused(big, saying: "at most 4 MiB is allowed")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-guard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("cairn.yaml")
        try Data("stack: demo\nresources: {}\n".utf8).write(to: file)
        let small = SpecLoader.fixture(limits: .init(maxBytes: 10))
        let error = try #require(throws: Diagnostics.self) { try small.load(file: file) }
        #expect(error.items.first?.summary == "the document is 26 bytes; at most 10 bytes is allowed")

        // A stream (standard input) has no size to look up: it is read one byte past the limit.
        let pipe = Pipe()
        try pipe.fileHandleForWriting.write(contentsOf: Data("stack: demo\nresources: {}\n".utf8))
        try pipe.fileHandleForWriting.close()
        let streamed = try #require(throws: Diagnostics.self) {
            try small.load(handle: pipe.fileHandleForReading, fileName: "<stdin>")
        }
        #expect(streamed.items.first?.summary == "the document is larger than 10 bytes, the most allowed")
        #expect(streamed.items.first?.location?.file == "<stdin>")
    }

    @Test("too many aliases are refused with the reason")
    func tooManyAliases() throws {
        var text = "stack: demo\nbase: &b x\nlist:\n"
        for _ in 0..<120 { text += "  - *b\n" }
        let items = SpecLoader.fixture().diagnostics(for: text)
        let item = try #require(items.first)
        #expect(
            item.summary == "document uses 120 aliases; at most 100 are allowed (YAML alias expansion can blow up memory)")
        #expect(item.location?.line == 104)
        #expect(item.location?.column == 5)
    }

    @Test(
        "keys that would be expensive to compare are refused",
        arguments: [
            ("stack: demo\na: &a [1, 2]\n*a : x\n", "an alias is used as a key"),
            ("stack: demo\n? [1, 2]\n: x\n", "complex keys"),
            ("stack: demo\n[1, 2]: x\n", "a list or map is used as a key"),
        ])
    func complexKeys(text: String, fragment: String) {
        expectRefused(text, saying: fragment)
    }

    @Test("deep nesting reached through aliases is refused")
    func deepThroughAliases() {
        func wrap(_ inner: String) -> String {
            String(repeating: "[", count: 30) + inner + String(repeating: "]", count: 30)
        }
        let text = "stack: demo\na: &a \(wrap("1"))\nb: &b \(wrap("*a"))\nc: \(wrap("*b"))\n"
        expectRefused(text, saying: "nests deeper than 64 levels once its aliases are expanded")
    }

    @Test("text that is not UTF-8 is refused with the position of the bad byte")
    func notUTF8() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-guard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("cairn.yaml")
        try Data("stack: demo\nresources:\n  caf".utf8 + [0xE9, 0x0A]).write(to: file)
        let error = try #require(throws: Diagnostics.self) { try SpecLoader.fixture().load(file: file) }
        #expect(error.items.first?.summary == "the file is not valid UTF-8")
        #expect(error.items.first?.location?.line == 3)
        #expect(error.items.first?.location?.column == 6)
    }

    @Test("brackets, stars and quotes inside strings, comments and block text are not structure")
    func legitimateTextIsNotCounted() throws {
        let deep = String(repeating: "[", count: 100)
        let stars = Array(repeating: "*x", count: 150).joined(separator: " ")
        let spec = """
            stack: demo   # [[[[ not a list
            resources:
              conf:
                type: test.file
                properties:
                  path: "a [[[ \\" b"
                  content: |
                    \(deep)
                    \(stars)
                      - - - - - - - -
                  mode: '0644'
              other:
                type: test.file
                properties:
                  path: 'it''s [{'
                  content: >-
                    \(deep)
            """
        let stack = try SpecLoader.fixture().load(text: spec, fileName: "cairn.yaml")
        #expect(stack.resource("conf")?.properties["content"] == .string("\(deep)\n\(stars)\n  - - - - - - - -\n"))
        #expect(stack.resource("other")?.properties["path"] == "it's [{")
    }

    @Test("a nesting just within the limit loads")
    func nestingWithinLimit() throws {
        let nested = String(repeating: "[", count: 55) + "1" + String(repeating: "]", count: 55)
        let spec = """
            stack: demo
            resources:
              vm:
                type: test.vm
                properties: {subnet_id: s, image: i, ports: \(nested)}
            """
        let stack = try SpecLoader.fixture().load(text: spec, fileName: "cairn.yaml")
        #expect(stack.resource("vm")?.properties["ports"]?.listValue != nil)
    }
}
