import Cairn
import Testing

@testable import CairnProviders

/// Updates change fields in place, and refuse what only a replacement can do.
@Suite("Sim provider: updates and validation")
struct SimProviderUpdateTests {
    struct ReplaceField: CustomTestStringConvertible, Sendable {
        var type: String
        var properties: [String: Value]
        var field: String
        var newValue: Value
        var testDescription: String { "\(type).\(field)" }
    }

    static let replaceFields: [ReplaceField] = [
        ReplaceField(type: "sim.network", properties: ["cidr": "10.0.0.0/16"], field: "cidr", newValue: "10.1.0.0/16"),
        ReplaceField(type: "sim.volume", properties: ["size_gb": 10, "zone": "a"], field: "zone", newValue: "b"),
        ReplaceField(type: "sim.volume", properties: ["size_gb": 10, "kind": "ssd"], field: "kind", newValue: "hdd"),
        ReplaceField(
            type: "sim.dns_record", properties: ["zone": "example.com", "name": "www", "value": "1.2.3.4"],
            field: "name",
            newValue: "api"
        ),
        ReplaceField(type: "sim.bucket", properties: ["name": "logs"], field: "name", newValue: "logs2"),
        ReplaceField(type: "sim.service", properties: ["name": "api", "endpoint": "x"], field: "name", newValue: "b"),
    ]

    @Test(
        "a change to a replace-on-change field is refused and the world keeps the old value", arguments: replaceFields)
    func replaceOnChangeRefused(_ row: ReplaceField) async throws {
        let provider = try SimFixture.provider()
        let created = try await SimFixture.create(provider, "r", row.type, row.properties)
        var changed = row.properties
        changed[row.field] = row.newValue
        let error = await SimFixture.providerError {
            _ = try await SimFixture.update(provider, "r", row.type, id: created.id, changed)
        }
        #expect(error?.errorClass == .invalid)
        #expect(error?.message.contains("'\(row.field)'") == true)
        #expect(error?.message.contains("replaces the resource") == true)
        #expect(try provider.world.resource(id: created.id)?.properties == row.properties)
    }

    @Test("an in-place change keeps the id and the outputs")
    func inPlaceUpdate() async throws {
        let provider = try SimFixture.provider()
        let (_, subnet, instance) = try await SimFixture.basicTopology(provider)
        let before = try #require(try await SimFixture.read(provider, "vm", "sim.instance", id: instance))
        let after = try await SimFixture.update(
            provider, "vm", "sim.instance", id: instance,
            ["subnet_id": .string(subnet), "image": "debian-12", "size": "large"]
        )
        #expect(after.id == instance)
        #expect(after.properties["size"] == "large")
        #expect(after.outputs == before.outputs)
        #expect(try await SimFixture.read(provider, "vm", "sim.instance", id: instance) == after)
        #expect(provider.stats.updates == 1)
    }

    @Test("a volume grows in place and refuses to shrink")
    func volumeGrowOnly() async throws {
        let provider = try SimFixture.provider()
        let volume = try await SimFixture.create(provider, "vol", "sim.volume", ["size_gb": 10]).id
        let grown = try await SimFixture.update(provider, "vol", "sim.volume", id: volume, ["size_gb": 20])
        #expect(grown.properties["size_gb"] == 20)
        let error = await SimFixture.providerError {
            _ = try await SimFixture.update(provider, "vol", "sim.volume", id: volume, ["size_gb": 5])
        }
        #expect(error?.errorClass == .invalid)
        #expect(error?.message.contains("shrink") == true)
        #expect(try provider.world.resource(id: volume)?.properties["size_gb"] == 20)
    }

    @Test("an update of a resource that is gone is not found")
    func updateMissing() async throws {
        let provider = try SimFixture.provider()
        let error = await SimFixture.providerError {
            _ = try await SimFixture.update(provider, "b", "sim.bucket", id: "bucket-00000000", ["name": "x"])
        }
        #expect(error?.errorClass == .notFound)
    }

    struct BadProperties: CustomTestStringConvertible, Sendable {
        var type: String
        var properties: [String: Value]
        var expected: String
        var testDescription: String { expected }
    }

    static let badProperties: [BadProperties] = [
        BadProperties(type: "sim.network", properties: [:], expected: "needs the property 'cidr'"),
        BadProperties(type: "sim.network", properties: ["cidr": "10.0.0.0/99"], expected: "IPv4 CIDR"),
        BadProperties(
            type: "sim.network", properties: ["cidr": "10.0.0.0/16", "colour": "red"],
            expected: "no property 'colour'"),
        BadProperties(type: "sim.volume", properties: ["size_gb": 0], expected: "positive integer"),
        BadProperties(type: "sim.volume", properties: ["size_gb": "big"], expected: "found a string"),
        BadProperties(type: "sim.bucket", properties: ["name": "no spaces allowed"], expected: "expected a name"),
        BadProperties(
            type: "sim.security_group",
            properties: ["network_id": "net-1", "name": "web", "ingress": [["port": 70000, "cidr": "0.0.0.0/0"]]],
            expected: "ingress[0].port"
        ),
        BadProperties(
            type: "sim.security_group", properties: ["network_id": "net-1", "name": "web", "ingress": [["port": 22]]],
            expected: "needs 'cidr'"
        ),
        BadProperties(type: "sim.vm", properties: [:], expected: "no type 'sim.vm'"),
    ]

    @Test("properties that do not fit the schema are refused before anything changes", arguments: badProperties)
    func invalidProperties(_ row: BadProperties) async throws {
        let provider = try SimFixture.provider()
        let error = await SimFixture.providerError {
            try await SimFixture.create(provider, "r", row.type, row.properties)
        }
        #expect(error?.errorClass == .invalid)
        #expect(error?.message.contains(row.expected) == true, "\(error?.message ?? "no error")")
        #expect(try provider.world.count() == 0)
    }

    @Test("a security group with well-formed ingress rules is accepted")
    func ingressAccepted() async throws {
        let provider = try SimFixture.provider()
        let network = try await SimFixture.create(provider, "net", "sim.network", ["cidr": "10.0.0.0/16"]).id
        let ingress: Value = [["port": 443, "cidr": "0.0.0.0/0"], ["port": 22, "cidr": "10.0.0.0/8"]]
        let group = try await SimFixture.create(
            provider, "sg", "sim.security_group", ["network_id": .string(network), "name": "web", "ingress": ingress]
        )
        #expect(group.properties["ingress"] == ingress)
    }
}
