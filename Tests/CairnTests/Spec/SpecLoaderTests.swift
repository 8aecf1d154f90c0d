import Cairn
import Foundation
import Testing

@Suite("Spec loader")
struct SpecLoaderTests {
    static let example = """
        stack: web-dev
        variables:
          region: { default: sim-east-1 }
          replicas: { default: 2, description: How many }
        flags:
          cdn: { default: false, description: Front the service with a CDN }
        defaults:
          retry: { max_attempts: 6, initial_delay: 200ms, max_delay: 20s, max_elapsed: 2m }
          on_failure: halt
          step_timeout: 90s
        resources:
          net:
            type: test.net
            properties: { cidr: 10.0.0.0/16, region: "${var.region}" }
          subnet:
            type: test.subnet
            properties: { network_id: "${net.id}", cidr: 10.0.1.0/24 }
          vm:
            type: test.vm
            properties:
              subnet_id: "${subnet.id}"
              image: debian-12
              size: small
              count: "${var.replicas}"
              tags: { name: "vm-${var.region}-${var.replicas}", literal: "$${not.a.reference}" }
            retry: { max_attempts: 10 }
            lifecycle: { prevent_destroy: true }
          cdn:
            type: test.cdn
            when: flag.cdn
            properties: { origin: "${vm.address}" }
          dns:
            type: test.net
            properties: { cidr: 10.9.0.0/16 }
            depends_on: [cdn, vm]
        """

    @Test("the design's example loads into a stack")
    func loadsExample() throws {
        let stack = try SpecLoader.fixture().load(text: Self.example, fileName: "cairn.yaml")
        #expect(stack.name == "web-dev")
        #expect(stack.resources.map(\.address) == ["net", "subnet", "vm", "dns"])
        #expect(stack.source.file == "cairn.yaml")
        #expect(stack.flags == ["cdn": false])
        #expect(stack.variables == ["region": "sim-east-1", "replicas": 2])

        #expect(stack.defaults.onFailure == .halt)
        #expect(stack.defaults.stepTimeout == .seconds(90))
        #expect(stack.defaults.retry.maxAttempts == 6)
        #expect(stack.defaults.retry.initialDelay == .milliseconds(200))
        #expect(stack.defaults.retry.maxDelay == .seconds(20))
        #expect(stack.defaults.retry.maxElapsed == .seconds(120))

        let net = try #require(stack.resource("net"))
        #expect(net.properties == ["cidr": "10.0.0.0/16", "region": "sim-east-1"])
        #expect(net.location == SourceLocation(file: "cairn.yaml", line: 12, column: 3))
        #expect(net.retry == nil)

        let vm = try #require(stack.resource("vm"))
        #expect(vm.properties["subnet_id"] == "${subnet.id}")
        #expect(vm.properties["count"] == 2, "a whole-string ${var.x} keeps the variable's kind")
        #expect(vm.properties["tags"] == ["name": "vm-sim-east-1-2", "literal": "$${not.a.reference}"])
        #expect(vm.dependencies == ["subnet"])
        #expect(vm.lifecycle == Resource.Lifecycle(preventDestroy: true, compensate: true))
        let retry = try #require(vm.retry)
        #expect(retry.maxAttempts == 10, "the resource's own setting")
        #expect(retry.initialDelay == .milliseconds(200), "the rest comes from defaults.retry")

        let dns = try #require(stack.resource("dns"))
        #expect(dns.dependsOn == ["vm"], "a depends_on target left out by its `when` has nothing to wait for")
    }

    @Test(
        "a flag turns a resource on",
        arguments: [
            (flags: [String: String](), environment: [String: String](), included: false),
            (flags: ["cdn": "true"], environment: [:], included: true),
            (flags: [:], environment: ["CAIRN_FLAG_CDN": "yes"], included: true),
            (flags: ["cdn": "0"], environment: ["CAIRN_FLAG_CDN": "1"], included: false),
            (flags: ["cdn": "YES"], environment: ["CAIRN_FLAG_CDN": "no"], included: true),
        ])
    func flagPrecedence(flags: [String: String], environment: [String: String], included: Bool) throws {
        let stack = try SpecLoader.fixture(flags: flags, environment: environment)
            .load(text: Self.example, fileName: "cairn.yaml")
        #expect(stack.flags["cdn"] == included)
        #expect((stack.resource("cdn") != nil) == included)
        #expect(stack.resource("dns")?.dependsOn == (included ? ["cdn", "vm"] : ["vm"]))
        if included {
            #expect(stack.resource("cdn")?.properties["origin"] == "${vm.address}")
        }
    }

    @Test(
        "--var wins over CAIRN_VAR_*, which wins over the default",
        arguments: [
            (variables: [String: String](), environment: [String: String](), region: "sim-east-1"),
            (variables: [:], environment: ["CAIRN_VAR_REGION": "from-env"], region: "from-env"),
            (variables: ["region": "from-flag"], environment: ["CAIRN_VAR_REGION": "from-env"], region: "from-flag"),
            (variables: [:], environment: ["CAIRN_VAR_region": "ignored"], region: "sim-east-1"),
        ])
    func variablePrecedence(variables: [String: String], environment: [String: String], region: String) throws {
        let stack = try SpecLoader.fixture(variables: variables, environment: environment)
            .load(text: Self.example, fileName: "cairn.yaml")
        #expect(stack.variables["region"] == .string(region))
        #expect(stack.resource("net")?.properties["region"] == .string(region))
    }

    @Test("a variable given as text takes its default's kind")
    func variableKinds() throws {
        let stack = try SpecLoader.fixture(environment: ["CAIRN_VAR_REPLICAS": "5"])
            .load(text: Self.example, fileName: "cairn.yaml")
        #expect(stack.variables["replicas"] == 5)
        #expect(stack.resource("vm")?.properties["count"] == 5)
    }

    @Test("a variable without a default is set from the command line")
    func variableWithoutDefault() throws {
        let spec = """
            stack: demo
            variables:
              owner: {}
              team-name: {description: who}
            resources:
              net:
                type: test.net
                properties: {cidr: 10.0.0.0/16, name: "${var.owner}", region: "${var.team-name}"}
            """
        let loader = SpecLoader.fixture(variables: ["owner": "ops"], environment: ["CAIRN_VAR_TEAM_NAME": "core"])
        let stack = try loader.load(text: spec, fileName: "cairn.yaml")
        #expect(stack.resource("net")?.properties == ["cidr": "10.0.0.0/16", "name": "ops", "region": "core"])
    }

    @Test(
        "conditions compare variables",
        arguments: [
            ("var.region == \"sim-east-1\"", true),
            ("var.region != \"sim-east-1\"", false),
            ("!flag.cdn && var.replicas == 2", true),
            ("flag.cdn || (var.replicas == 3)", false),
            ("true", true),
        ])
    func conditions(condition: String, included: Bool) throws {
        let spec = """
            stack: demo
            variables:
              region: { default: sim-east-1 }
              replicas: { default: 2 }
            flags:
              cdn: { default: false }
            resources:
              maybe:
                type: test.net
                when: '\(condition)'
                properties: { cidr: 10.0.0.0/16 }
            """
        let stack = try SpecLoader.fixture().load(text: spec, fileName: "cairn.yaml")
        #expect((stack.resource("maybe") != nil) == included)
    }

    @Test("JSON is the same tree as YAML")
    func json() throws {
        let json = """
            {
              "stack": "web-dev",
              "variables": {"region": {"default": "sim-east-1"}},
              "resources": {
                "net": {"type": "test.net", "properties": {"cidr": "10.0.0.0/16", "region": "${var.region}"}},
                "vm": {
                  "type": "test.vm",
                  "properties": {"subnet_id": "${net.id}", "image": "debian-12", "count": 3, "ports": [80, 443]},
                  "depends_on": ["net"]
                }
              }
            }
            """
        let stack = try SpecLoader.fixture().load(text: json, fileName: "cairn.json")
        #expect(stack.resources.map(\.address) == ["net", "vm"])
        #expect(stack.resource("net")?.properties == ["cidr": "10.0.0.0/16", "region": "sim-east-1"])
        #expect(stack.resource("vm")?.properties["count"] == 3)
        #expect(stack.resource("vm")?.properties["ports"] == [80, 443])
        #expect(stack.resource("vm")?.location == SourceLocation(file: "cairn.json", line: 6, column: 5))
    }

    @Test("JSON syntax errors are called JSON errors, with a position")
    func jsonSyntaxError() {
        let items = SpecLoader.fixture().diagnostics(
            for: "{\"stack\": \"demo\",\n \"resources\": {,}}", fileName: "s.json")
        #expect(items.count == 1)
        #expect(items.first?.summary.hasPrefix("JSON syntax error") == true, "\(items)")
        #expect(items.first?.location?.line == 2)
    }

    @Test("plain scalars follow YAML 1.2: no, on and yes stay text")
    func yaml12Scalars() throws {
        let spec = """
            stack: demo
            resources:
              vm:
                type: test.vm
                properties:
                  subnet_id: no
                  image: on
                  tags: {a: yes, b: 0x1F, c: 1.5, d: ~, e: "true", f: TRUE, g: 1e3}
            """
        let stack = try SpecLoader.fixture().load(text: spec, fileName: "cairn.yaml")
        let vm = try #require(stack.resource("vm"))
        #expect(vm.properties["subnet_id"] == "no")
        #expect(vm.properties["image"] == "on")
        #expect(
            vm.properties["tags"] == ["a": "yes", "b": 31, "c": 1.5, "d": nil, "e": "true", "f": true, "g": 1000.0])
    }

    @Test("a resource's `when` of false or a missing properties map is fine")
    func minimalResources() throws {
        let spec = """
            stack: demo
            resources:
              off:
                type: test.net
                when: false
              cdn:
                type: test.cdn
                properties: {origin: example.com}
            """
        let stack = try SpecLoader.fixture().load(text: spec, fileName: "cairn.yaml")
        #expect(stack.resources.map(\.address) == ["cdn"])
    }

    @Test("values from sensitive variables are marked")
    func sensitiveVariables() throws {
        let spec = """
            stack: demo
            variables:
              token: {sensitive: true}
            resources:
              s:
                type: test.secret
                properties: {value: "Bearer ${var.token}"}
              n:
                type: test.net
                properties: {cidr: 10.0.0.0/16, name: plain}
            """
        let stack = try SpecLoader.fixture(variables: ["token": "hunter2"]).load(text: spec, fileName: "cairn.yaml")
        #expect(stack.sensitiveVariables == ["token"])
        #expect(stack.resource("s")?.sensitiveProperties == ["value"])
        #expect(stack.resource("s")?.properties["value"] == "Bearer hunter2")
        #expect(stack.resource("n")?.sensitiveProperties == [])
    }

    @Test("load(file:) reads the file and names it in messages")
    func loadsFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("cairn.yaml")
        try Data(Self.example.utf8).write(to: file)
        let stack = try SpecLoader.fixture().load(file: file)
        #expect(stack.source.file == file.path)
        #expect(stack.resources.count == 4)

        let missing = folder.appendingPathComponent("nope.yaml")
        let error = try #require(throws: Diagnostics.self) { try SpecLoader.fixture().load(file: missing) }
        #expect(error.items.first?.summary == "cannot read \(missing.path): no such file")
    }
}
