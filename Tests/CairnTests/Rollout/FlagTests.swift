import Cairn
import Foundation
import Testing

@Suite("Flags: precedence, flags files and choices")
struct FlagTests {
    static let spec = """
        stack: flags
        flags:
          big: { default: false, description: Bigger machines }
          cdn: { default: false }
        resources:
          vm:
            type: test.vm
            properties:
              subnet_id: s-1
              image: debian-12
              size: "${flag.big ? 'large' : 'small'}"
          cdn:
            type: test.cdn
            when: flag.cdn
            properties: { origin: "${vm.address}" }
          dns:
            type: test.net
            properties:
              cidr: 10.0.0.0/16
              name: "${flag.cdn ? cdn.domain : vm.address}"
        """

    static func loader(
        flags: [String: String] = [:], file: String? = nil, environment: [String: String] = [:]
    ) throws -> SpecLoader {
        var loader = SpecLoader(
            registry: ProviderRegistry([SpecFixtureProvider()]),
            options: .init(flags: flags, environment: environment))
        if let file { loader.options.flagsFile = try loader.loadFlags(text: file, fileName: "flags.yaml") }
        return loader
    }

    @Test(
        "precedence: --flag beats --flags-file beats CAIRN_FLAG_* beats the default",
        arguments: [
            // (--flag, flags file, environment, expected)
            (nil, nil, nil, false),  // the default
            (nil, nil, "true", true),
            (nil, "true", "false", true),
            (nil, "false", "true", false),
            ("false", "true", "true", false),
            ("true", "false", "false", true),
            ("yes", nil, nil, true),
            ("0", nil, "1", false),
        ] as [(String?, String?, String?, Bool)])
    func precedence(flag: String?, file: String?, environment: String?, expected: Bool) throws {
        let loader = try Self.loader(
            flags: flag.map { ["big": $0] } ?? [:], file: file.map { "big: \($0)\n" },
            environment: environment.map { ["CAIRN_FLAG_BIG": $0] } ?? [:])
        let stack = try loader.load(text: Self.spec, fileName: "cairn.yaml")
        #expect(stack.flags["big"] == expected)
        #expect(stack.resource("vm")?.properties["size"] == .string(expected ? "large" : "small"))
    }

    @Test("a flags file may be JSON")
    func jsonFile() throws {
        var loader = try Self.loader()
        loader.options.flagsFile = try loader.loadFlags(text: #"{"big": true, "cdn": true}"#, fileName: "flags.json")
        let stack = try loader.load(text: Self.spec, fileName: "cairn.yaml")
        #expect(stack.flags == ["big": true, "cdn": true])
    }

    @Test(
        "an undeclared flag or a value that is not a boolean is an error, where the file says it",
        arguments: [
            ("bigg: true\n", "flags.yaml:1:1: flags.yaml sets flag `bigg`, which the spec does not declare", "`big`"),
            (
                "cdn: false\nbig: \"yes\"\n", "flags.yaml:2:1: flags.yaml: flag big is true or false (found \"yes\")",
                "without quotes"
            ),
            ("big: 1\n", "flags.yaml:1:1: flags.yaml: flag big is true or false (found integer 1)", "without quotes"),
        ])
    func fileErrors(file: String, message: String, suggestion: String) throws {
        let diagnostics = try Self.loader(file: file).diagnostics(for: Self.spec)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.description.hasPrefix(message) == true, "\(diagnostics)")
        #expect(diagnostics.first?.detail.contains(suggestion) == true)
    }

    @Test("a flags file that is not a map is refused")
    func notAMap() throws {
        let loader = try Self.loader()
        let error = try #require(throws: Diagnostics.self) { try loader.loadFlags(text: "- big\n", fileName: "f.yaml") }
        #expect(error.description.contains("must be a map of flag names to true or false"))
    }

    @Test("a choice picks a value, or another resource's attribute, from this run's flags")
    func choices() throws {
        let off = try Self.loader().load(text: Self.spec, fileName: "cairn.yaml")
        #expect(off.resource("vm")?.properties["size"] == "small")
        #expect(off.resource("cdn") == nil)
        #expect(off.resource("dns")?.properties["name"] == "${vm.address}")
        #expect(off.resource("dns")?.dependencies == ["vm"])
        #expect(off.resource("vm")?.flagsRead == ["size": ["big"]])
        #expect(off.resource("dns")?.flagsRead == ["name": ["cdn"]])

        let on = try Self.loader(flags: ["cdn": "true", "big": "true"]).load(text: Self.spec, fileName: "cairn.yaml")
        #expect(on.resource("vm")?.properties["size"] == "large")
        #expect(on.resource("dns")?.properties["name"] == "${cdn.domain}")
        #expect(on.resource("dns")?.dependencies == ["cdn"])
        #expect(on.resource("cdn")?.condition == "flag.cdn")
    }

    @Test(
        "choices that cannot be decided are errors with a position",
        arguments: [
            ("\"${flag.big ? 'large'}\"", "a choice needs both values"),
            ("\"${flag.huge ? 'large' : 'small'}\"", "reads flag.huge, which the spec does not declare"),
            ("\"${var.size == 1 ? 'large' : 'small'}\"", "reads var.size, which the spec does not declare"),
            ("\"${'x' ? 'large' : 'small'}\"", "? needs true or false"),
            ("\"size-${net.id ? 'a' : 'b'}\"", "a condition cannot read resource attributes"),
        ])
    func choiceErrors(value: String, message: String) throws {
        let spec = """
            stack: flags
            flags:
              big: { default: false }
            resources:
              vm:
                type: test.vm
                properties: { subnet_id: s-1, image: debian-12, size: \(value) }
            """
        let diagnostics = try Self.loader().diagnostics(for: spec)
        #expect(diagnostics.contains { $0.summary.contains(message) }, "\(diagnostics)")
        #expect(diagnostics.allSatisfy { $0.location?.line == 7 })
    }
}
