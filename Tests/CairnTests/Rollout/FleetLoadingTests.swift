import Cairn
import Foundation
import Testing

@Suite("Fleets: count, for_each, member addresses and references")
struct FleetLoadingTests {
    static let spec = """
        stack: fleet
        variables:
          replicas: { default: 3 }
        flags:
          big: { default: false }
        resources:
          net:
            type: test.net
            properties: { cidr: 10.0.0.0/16 }
          web:
            type: test.vm
            count: "${var.replicas}"
            properties:
              subnet_id: "${net.id}"
              image: debian-12
              size: "${count.index == 0 ? 'large' : 'small'}"
              tags: { index: "${count.index}", name: "web-${count.index}" }
            rollout: { waves: [1, 50%, 100%], max_failures: 1, pause: 30s }
          disk:
            type: test.vm
            for_each: { eu: { size: large }, us: { size: small } }
            properties:
              subnet_id: "${web[0].id}"
              image: "${each.key}"
              size: "${each.value.size}"
          site:
            type: test.vm
            count: 2
            properties: { subnet_id: "${web[count.index].id}", image: i }
          zone:
            type: test.vm
            for_each: [alpha, beta]
            properties: { subnet_id: s, image: "${each.value}", size: "${each.value == 'alpha' ? 'large' : 'small'}" }
          lb:
            type: test.net
            properties:
              cidr: 10.1.0.0/16
              region: "${disk[\\"us\\"].address}"
              name: "${disk['eu'].id}"
            depends_on: [web]
          list:
            type: test.vm
            properties: { subnet_id: s, image: i, ports: "${web[*].id}", tags: { first: "${web[0].private_ip}" } }
        """

    static func load(_ text: String, variables: [String: String] = [:]) throws -> Stack {
        try SpecLoader.fixture(variables: variables).load(text: text, fileName: "cairn.yaml")
    }

    @Test("members get addresses web[0] and disk[\"eu\"], and read their index, key and value")
    func members() throws {
        let stack = try Self.load(Self.spec)
        #expect(
            stack.resources.map(\.address) == [
                "net", "web[0]", "web[1]", "web[2]", "disk[\"eu\"]", "disk[\"us\"]", "site[0]", "site[1]",
                "zone[\"alpha\"]", "zone[\"beta\"]", "lb", "list",
            ])
        let web1 = try #require(stack.resource("web[1]"))
        #expect(web1.fleet == "web")
        #expect(web1.properties["size"] == "small")
        #expect(stack.resource("web[0]")?.properties["size"] == "large")
        #expect(web1.properties["tags"] == ["index": 1, "name": "web-1"])
        #expect(web1.rollout?.maxFailures == .count(1))
        #expect(stack.resource("disk[\"us\"]")?.properties["image"] == "us")
        #expect(stack.resource("disk[\"us\"]")?.properties["size"] == "small")
        #expect(stack.resource("zone[\"beta\"]")?.properties["image"] == "beta")
        #expect(stack.resource("zone[\"alpha\"]")?.properties["size"] == "large")
        #expect(stack.resource("zone[\"beta\"]")?.properties["size"] == "small")
        #expect(stack.resource("site[1]")?.properties["subnet_id"] == "${web[1].id}")
        #expect(stack.resource("site[1]")?.dependencies == ["web[1]"])
        #expect(stack.resource("net")?.fleet == nil)
    }

    @Test(
        "references name members (quotes normalised); [*] is a list of every member's; depends_on a fleet waits for all"
    )
    func references() throws {
        let stack = try Self.load(Self.spec)
        let lb = try #require(stack.resource("lb"))
        #expect(lb.properties["region"] == "${disk[\"us\"].address}")
        #expect(lb.properties["name"] == "${disk[\"eu\"].id}")
        #expect(Set(lb.dependencies) == ["disk[\"us\"]", "disk[\"eu\"]", "web[0]", "web[1]", "web[2]"])
        let list = try #require(stack.resource("list"))
        #expect(list.properties["ports"] == ["${web[0].id}", "${web[1].id}", "${web[2].id}"])
        #expect(list.dependencies == ["web[0]", "web[1]", "web[2]"])
    }

    @Test("a fleet's size comes from a variable or a choice; count 0 has no members")
    func sizes() throws {
        #expect(
            try Self.load(Self.spec, variables: ["replicas": "5"]).resources.filter { $0.fleet == "web" }.count == 5)
        let spec = """
            stack: fleet
            flags:
              big: { default: true }
            resources:
              web:
                type: test.net
                count: "${flag.big ? 4 : 0}"
                properties: { cidr: 10.0.0.0/16 }
            """
        let stack = try Self.load(spec)
        #expect(stack.resources.map(\.address) == ["web[0]", "web[1]", "web[2]", "web[3]"])
        #expect(stack.resource("web[3]")?.flagsRead["count"] == ["big"])
        let none = try SpecLoader.fixture(flags: ["big": "false"]).load(text: spec, fileName: "cairn.yaml")
        #expect(none.resources.isEmpty)
    }

    static let fleetHead = """
        stack: fleet
        resources:
          web:
            type: test.vm
            count: 2
            properties: { subnet_id: s, image: i }
          other:
            type: test.vm

        """

    @Test(
        "mistakes with fleets are reported, once, with a position",
        arguments: [
            ("    properties: { subnet_id: \"${web.id}\", image: i }", "but web is a fleet of 2"),
            ("    properties: { subnet_id: \"${web[2].id}\", image: i }", "fleet web has no member web[2]"),
            (
                "    properties: { subnet_id: \"${web[\\\"eu\\\"].id}\", image: i }",
                "fleet web has no member web[\"eu\"]"
            ),
            (
                "    properties: { subnet_id: \"id-${web[*].id}\", image: i }",
                "is a list, and cannot be part of a longer text"
            ),
            ("    properties: { subnet_id: \"${count.index}\", image: i }", "is only known in a resource with count"),
            ("    properties: { subnet_id: \"${each.key}\", image: i }", "is only known in a resource with for_each"),
            (
                "    properties: { subnet_id: \"${other[0].id}\", image: i }\n    depends_on: [web]",
                "but other is not a fleet"
            ),
            (
                "    count: -1\n    properties: { subnet_id: s, image: i }",
                "count of resource other must be a whole number"
            ),
            ("    count: \"${web[0].id}\"\n    properties: { subnet_id: s, image: i }", "another resource's attribute"),
            (
                "    count: 2\n    for_each: [a]\n    properties: { subnet_id: s, image: i }",
                "has both count and for_each"
            ),
            ("    for_each: [a, a]\n    properties: { subnet_id: s, image: i }", "lists \"a\" twice"),
            ("    for_each: [\"a b\"]\n    properties: { subnet_id: s, image: i }", "which cannot name a member"),
            (
                "    for_each: [1]\n    properties: { subnet_id: s, image: i }",
                "a list's elements are the members' keys"
            ),
            (
                "    properties: { subnet_id: s, image: i }\n    rollout: { waves: [1] }",
                "has a rollout but is not a fleet"
            ),
            (
                "    count: 4\n    properties: { subnet_id: s, image: i }\n    rollout: { waves: [50%, 1] }",
                "the waves of resource other shrink"
            ),
            (
                "    count: 4\n    properties: { subnet_id: s, image: i }\n    rollout: { waves: [2, 2] }",
                "is not larger than an earlier one"
            ),
            (
                "    count: 4\n    properties: { subnet_id: s, image: i }\n    rollout: { waves: [0%] }",
                "a wave size of rollout of resource other"
            ),
            (
                "    count: 4\n    properties: { subnet_id: s, image: i }\n    rollout: { waves: [1], rollback: all }",
                "rollback `all`"
            ),
            (
                "    count: 4\n    properties: { subnet_id: s, image: i }\n"
                    + "    rollout: { waves: [1], max_failures: many }",
                "max_failures of rollout"
            ),
            (
                "    properties: { subnet_id: s, image: i }\n    depends_on: [\"web[7]\"]",
                "depends on `web[7]`, but fleet web has no member"
            ),
        ])
    func mistakes(body: String, message: String) throws {
        let diagnostics = SpecLoader.fixture().diagnostics(for: Self.fleetHead + body + "\n")
        #expect(diagnostics.filter { $0.summary.contains(message) }.count == 1, "\(diagnostics)")
        #expect(diagnostics.allSatisfy { $0.location?.line ?? 0 >= 7 }, "\(diagnostics)")
    }

    @Test("a problem every member shares is reported once, not once per member")
    func deduplicated() throws {
        let spec = """
            stack: fleet
            resources:
              web:
                type: test.vm
                count: 50
                properties: { subnet_id: s, image: i, size: huge }
            """
        let diagnostics = SpecLoader.fixture().diagnostics(for: spec)
        #expect(diagnostics.count == 1, "\(diagnostics)")
    }

    @Test(
        "addresses parse and print in canonical form",
        arguments: [
            ("web", "web"), ("web[3]", "web[3]"), ("web[\"eu\"]", "web[\"eu\"]"), ("web['eu-1']", "web[\"eu-1\"]"),
        ])
    func addresses(text: String, canonical: String) throws {
        #expect(try #require(ResourceAddress(parsing: text)).description == canonical)
    }

    @Test(
        "malformed addresses do not parse",
        arguments: ["web[", "web[-1]", "web[01]", "web[*]", "Web[0]", "web[\"a.b\"]", "web[\"\"]"])
    func badAddresses(text: String) {
        #expect(ResourceAddress(parsing: text) == nil)
    }
}
