import Cairn
import Testing

@testable import CairnProviders

/// The simulated cloud enforces references: a child needs its parent, a parent with children
/// cannot be deleted.
@Suite("Sim provider: references")
struct SimProviderReferenceTests {
    struct MissingParent: CustomTestStringConvertible, Sendable {
        var type: String
        var properties: [String: Value]
        var field: String
        var testDescription: String { "\(type).\(field)" }
    }

    static let missingParents: [MissingParent] = [
        MissingParent(
            type: "sim.subnet", properties: ["network_id": "net-deadbeef", "cidr": "10.0.1.0/24"], field: "network_id"),
        MissingParent(
            type: "sim.security_group", properties: ["network_id": "net-deadbeef", "name": "web"], field: "network_id"),
        MissingParent(
            type: "sim.instance", properties: ["subnet_id": "subnet-deadbeef", "image": "debian-12", "size": "small"],
            field: "subnet_id"
        ),
        MissingParent(
            type: "sim.attachment", properties: ["volume_id": "vol-deadbeef", "instance_id": "i-1"],
            field: "volume_id"),
    ]

    @Test("a create naming a missing parent is refused with the field and the id", arguments: missingParents)
    func createNeedsParent(_ row: MissingParent) async throws {
        let provider = try SimFixture.provider()
        let error = await SimFixture.providerError {
            try await SimFixture.create(provider, "child", row.type, row.properties)
        }
        #expect(error?.errorClass == .invalid)
        #expect(error?.message.contains("'\(row.field)'") == true)
        #expect(error?.message.contains("does not exist") == true)
        #expect(try provider.world.count() == 0)
    }

    @Test("an instance's security group ids must exist")
    func securityGroupIDsMustExist() async throws {
        let provider = try SimFixture.provider()
        let (_, subnet, _) = try await SimFixture.basicTopology(provider)
        let error = await SimFixture.providerError {
            try await SimFixture.create(
                provider, "vm2", "sim.instance",
                [
                    "subnet_id": .string(subnet), "image": "debian-12", "size": "small",
                    "security_group_ids": ["sg-nothere"],
                ]
            )
        }
        #expect(error?.errorClass == .invalid)
        #expect(error?.message.contains("sg-nothere") == true)
    }

    @Test("a reference to a resource of the wrong type is refused")
    func wrongTargetType() async throws {
        let provider = try SimFixture.provider()
        let volume = try await SimFixture.create(provider, "vol", "sim.volume", ["size_gb": 10]).id
        let error = await SimFixture.providerError {
            try await SimFixture.create(
                provider, "subnet", "sim.subnet", ["network_id": .string(volume), "cidr": "10.0.1.0/24"]
            )
        }
        #expect(error?.errorClass == .invalid)
        #expect(error?.message.contains("must name a sim.network") == true)
    }

    @Test("a network with subnets or security groups cannot be deleted until they are gone")
    func networkWithChildren() async throws {
        let provider = try SimFixture.provider()
        let (network, subnet, instance) = try await SimFixture.basicTopology(provider)
        let group = try await SimFixture.create(
            provider, "sg", "sim.security_group", ["network_id": .string(network), "name": "web"]
        ).id
        let error = await SimFixture.providerError {
            try await SimFixture.delete(provider, "net", "sim.network", id: network)
        }
        #expect(error?.errorClass == .conflict)
        #expect(error?.message.contains("network \(network) still has") == true)
        #expect(error?.message.contains("subnets: \(subnet)") == true)
        #expect(error?.message.contains("security groups: \(group)") == true)

        let subnetError = await SimFixture.providerError {
            try await SimFixture.delete(provider, "subnet", "sim.subnet", id: subnet)
        }
        #expect(subnetError?.errorClass == .conflict)
        #expect(subnetError?.message.contains("instances: \(instance)") == true)

        try await SimFixture.delete(provider, "vm", "sim.instance", id: instance)
        try await SimFixture.delete(provider, "subnet", "sim.subnet", id: subnet)
        try await SimFixture.delete(provider, "sg", "sim.security_group", id: group)
        try await SimFixture.delete(provider, "net", "sim.network", id: network)
        #expect(try provider.world.count() == 0)
    }

    @Test("an instance or a volume with an attachment cannot be deleted")
    func attachmentsHoldTheirParents() async throws {
        let provider = try SimFixture.provider()
        let (_, _, instance) = try await SimFixture.basicTopology(provider)
        let volume = try await SimFixture.create(provider, "vol", "sim.volume", ["size_gb": 10]).id
        let attachment = try await SimFixture.create(
            provider, "attach", "sim.attachment", ["volume_id": .string(volume), "instance_id": .string(instance)]
        ).id
        for (address, type, id) in [("vm", "sim.instance", instance), ("vol", "sim.volume", volume)] {
            let error = await SimFixture.providerError { try await SimFixture.delete(provider, address, type, id: id) }
            #expect(error?.errorClass == .conflict)
            #expect(error?.message.contains("attachments: \(attachment)") == true)
        }
        try await SimFixture.delete(provider, "attach", "sim.attachment", id: attachment)
        try await SimFixture.delete(provider, "vol", "sim.volume", id: volume)
        try await SimFixture.delete(provider, "vm", "sim.instance", id: instance)
    }

    @Test("changing an instance's security groups moves what holds them")
    func updateMovesReferences() async throws {
        let provider = try SimFixture.provider()
        let (network, subnet, _) = try await SimFixture.basicTopology(provider)
        let first = try await SimFixture.create(
            provider, "sg1", "sim.security_group", ["network_id": .string(network), "name": "one"]
        ).id
        let second = try await SimFixture.create(
            provider, "sg2", "sim.security_group", ["network_id": .string(network), "name": "two"]
        ).id
        let base: [String: Value] = ["subnet_id": .string(subnet), "image": "debian-12", "size": "small"]
        var properties = base
        properties["security_group_ids"] = [.string(first)]
        let vm = try await SimFixture.create(provider, "vm2", "sim.instance", properties).id

        properties["security_group_ids"] = ["sg-missing"]
        let missing = await SimFixture.providerError {
            _ = try await SimFixture.update(provider, "vm2", "sim.instance", id: vm, properties)
        }
        #expect(missing?.errorClass == .invalid)

        properties["security_group_ids"] = [.string(second)]
        _ = try await SimFixture.update(provider, "vm2", "sim.instance", id: vm, properties)
        try await SimFixture.delete(provider, "sg1", "sim.security_group", id: first)
        let blocked = await SimFixture.providerError {
            try await SimFixture.delete(provider, "sg2", "sim.security_group", id: second)
        }
        #expect(blocked?.errorClass == .conflict)
    }

    @Test("a cdn refers to nothing: its origin may be any text")
    func cdnHasNoReferences() async throws {
        let provider = try SimFixture.provider()
        let cdn = try await SimFixture.create(provider, "cdn", "sim.cdn", ["origin": "10.0.1.4"])
        #expect(cdn.id.hasPrefix("cdn-"))
    }
}
