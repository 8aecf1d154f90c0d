import Cairn
import Testing

@testable import CairnProviders

/// The schemas and outputs follow the type table in DESIGN.md ("The simulated cloud").
@Suite("Sim provider: schemas and outputs")
struct SimSchemaTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var type: String
        var required: Set<String>
        var replaceOnChange: Set<String>
        var outputs: [String]
        var testDescription: String { type }
    }

    static let table: [Row] = [
        Row(type: "sim.network", required: ["cidr"], replaceOnChange: ["cidr"], outputs: ["id"]),
        Row(
            type: "sim.subnet", required: ["network_id", "cidr"], replaceOnChange: ["network_id", "cidr"],
            outputs: ["id"]),
        Row(
            type: "sim.security_group", required: ["network_id", "name"], replaceOnChange: ["network_id"],
            outputs: ["id"]),
        Row(type: "sim.volume", required: ["size_gb"], replaceOnChange: ["zone", "kind"], outputs: ["id"]),
        Row(
            type: "sim.instance", required: ["subnet_id", "image", "size"], replaceOnChange: ["subnet_id", "image"],
            outputs: ["id", "private_ip", "address"]
        ),
        Row(
            type: "sim.attachment", required: ["volume_id", "instance_id"],
            replaceOnChange: ["volume_id", "instance_id"],
            outputs: ["id"]
        ),
        Row(
            type: "sim.dns_record", required: ["zone", "name", "value"], replaceOnChange: ["zone", "name"],
            outputs: ["id", "fqdn"]
        ),
        Row(type: "sim.bucket", required: ["name"], replaceOnChange: ["name"], outputs: ["id", "url"]),
        Row(type: "sim.service", required: ["name", "endpoint"], replaceOnChange: ["name"], outputs: ["id"]),
        Row(type: "sim.cdn", required: ["origin"], replaceOnChange: [], outputs: ["id", "domain"]),
    ]

    @Test("each type's required and replace-on-change fields and outputs match the table", arguments: table)
    func schemaMatchesTable(_ row: Row) throws {
        let schema = try #require(SimProvider.schemas.first { $0.type == row.type })
        #expect(Set(schema.properties.filter(\.required).map(\.name)) == row.required)
        #expect(Set(schema.properties.filter(\.replaceOnChange).map(\.name)) == row.replaceOnChange)
        #expect(schema.outputs == row.outputs)
    }

    @Test("the provider serves exactly the ten sim types, and only volume size grows")
    func tenTypes() throws {
        let provider = try SimFixture.provider()
        #expect(provider.schemas.count == 10)
        #expect(Set(provider.schemas.map(\.type)) == Set(Self.table.map(\.type)))
        let growOnly = provider.schemas.flatMap { schema in
            schema.properties.filter(\.growOnly).map { "\(schema.type).\($0.name)" }
        }
        #expect(growOnly == ["sim.volume.size_gb"])
        #expect(ProviderRegistry([provider]).provider(for: "sim.cdn") != nil)
    }

    @Test("formats: cidr, names and positive sizes are checked by the schema")
    func formats() throws {
        let network = try #require(SimProvider.schemas.first { $0.type == "sim.network" })
        #expect(network.property("cidr")?.problem(with: "10.0.0.0/16") == nil)
        #expect(network.property("cidr")?.problem(with: "ten") != nil)
        #expect(network.property("name")?.problem(with: "has space") != nil)
        let volume = try #require(SimProvider.schemas.first { $0.type == "sim.volume" })
        #expect(volume.property("size_gb")?.problem(with: -1) != nil)
    }

    @Test("outputs: ids by type, the instance's address inside its subnet, fqdn, url and domain")
    func outputs() async throws {
        let provider = try SimFixture.provider()
        let (network, subnet, instance) = try await SimFixture.basicTopology(provider)
        #expect(network.hasPrefix("net-") && network.count == 12)
        #expect(subnet.hasPrefix("subnet-"))
        #expect(instance.hasPrefix("i-"))
        let vm = try #require(try await SimFixture.read(provider, "vm", "sim.instance", id: instance))
        let ip = try #require(vm.outputs["private_ip"]?.stringValue)
        #expect(ip.hasPrefix("10.0.1."))
        #expect(vm.outputs["address"]?.stringValue == ip)
        #expect(vm.outputs["id"]?.stringValue == instance)

        let dns = try await SimFixture.create(
            provider, "dns", "sim.dns_record", ["zone": "example.com", "name": "www", "value": .string(ip)]
        )
        #expect(dns.outputs["fqdn"] == "www.example.com")
        let bucket = try await SimFixture.create(provider, "b", "sim.bucket", ["name": "logs"])
        #expect(bucket.outputs["url"] == "https://logs.bucket.sim.local")
        let cdn = try await SimFixture.create(provider, "cdn", "sim.cdn", ["origin": .string(ip)])
        let domain = try #require(cdn.outputs["domain"]?.stringValue)
        #expect(domain.hasSuffix(".cdn.sim.local"))
        #expect(Set(cdn.outputs.keys) == ["id", "domain"])
    }

    @Test("two instances in one subnet get different addresses")
    func distinctAddresses() async throws {
        let provider = try SimFixture.provider()
        let (_, subnet, first) = try await SimFixture.basicTopology(provider)
        let second = try await SimFixture.create(
            provider, "vm2", "sim.instance", ["subnet_id": .string(subnet), "image": "debian-12", "size": "small"]
        )
        let firstIP = try await SimFixture.read(provider, "vm", "sim.instance", id: first)?.outputs["private_ip"]
        #expect(firstIP != nil)
        #expect(firstIP != second.outputs["private_ip"])
    }
}
