import Cairn
import Foundation
import Testing

@testable import CairnProviders

/// The persisted world: files, ids, and the CLI's inventory, edit and remove.
@Suite("Sim world")
struct SimWorldTests {
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cairn-sim-\(UUID().uuidString)")
    }

    @Test("resources survive closing and reopening the file, and ids are never reused")
    func persistence() async throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(".cairn/sim.db").path
        let created: ResourceSnapshot
        do {
            let provider = SimProvider(world: try SimWorld(path: path))
            created = try await SimFixture.create(provider, "net", "sim.network", ["cidr": "10.0.0.0/16"], token: "k")
            let doomed = try await SimFixture.create(provider, "b", "sim.bucket", ["name": "b"])
            try provider.world.remove(id: doomed.id)
        }
        let reopened = try SimWorld(path: path)
        #expect(reopened.path == path)
        let inventory = try reopened.inventory()
        #expect(inventory.map(\.id) == [created.id])
        #expect(inventory.first?.properties == ["cidr": "10.0.0.0/16"])
        #expect(inventory.first?.outputs == created.outputs)
        let provider = SimProvider(world: reopened)
        #expect(
            try await SimFixture.create(provider, "net", "sim.network", ["cidr": "10.0.0.0/16"], token: "k") == created)
        let next = try await SimFixture.create(provider, "b2", "sim.bucket", ["name": "b"])
        #expect(try reopened.inventory().map(\.sequence) == [1, 3])
        #expect(next.id != created.id)
    }

    @Test("a new world file is 0600 in folders made 0700, whatever the umask")
    func permissions() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state/.cairn/sim.db").path
        _ = try SimWorld(path: path)
        func mode(_ path: String) throws -> Int {
            try ((FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1)
                & 0o777
        }
        #expect(try mode(path) == 0o600)
        #expect(try mode(folder.appendingPathComponent("state/.cairn").path) == 0o700)
        #expect(try mode(folder.appendingPathComponent("state").path) == 0o700)
    }

    @Test("a world under a file instead of a folder fails with a clear error")
    func unusablePath() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let blocker = folder.appendingPathComponent("blocker")
        try Data("x".utf8).write(to: blocker)
        #expect(throws: SimWorldError.self) {
            _ = try SimWorld(path: blocker.appendingPathComponent("sim.db").path)
        }
    }

    @Test("ids follow the order of creation: the same sequence of creates gives the same ids")
    func deterministicIDs() async throws {
        func ids() async throws -> [String] {
            let provider = try SimFixture.provider()
            var ids: [String] = []
            for index in 0..<50 {
                ids.append(try await SimFixture.create(provider, "b\(index)", "sim.bucket", ["name": "b"]).id)
            }
            return ids
        }
        let first = try await ids()
        #expect(try await ids() == first)
        #expect(Set(first).count == 50)
        #expect(first.allSatisfy { $0.hasPrefix("bucket-") && $0.count == "bucket-".count + 8 })
    }

    @Test("edit changes properties behind Cairn's back, and the provider reads the drift")
    func editMakesDrift() async throws {
        let provider = try SimFixture.provider()
        let (_, _, instance) = try await SimFixture.basicTopology(provider)
        let edited = try provider.world.edit(id: instance, set: ["size": "xlarge", "image": .null])
        #expect(edited.properties["size"] == "xlarge")
        #expect(!edited.properties.keys.contains("image"))
        let read = try await SimFixture.read(provider, "vm", "sim.instance", id: instance)
        #expect(read?.properties["size"] == "xlarge")
        #expect(read?.properties.keys.contains("image") == false)
        #expect(provider.stats.mutatingCalls == 3)
    }

    @Test("editing a dns record's name moves its fqdn")
    func editRefreshesOutputs() async throws {
        let provider = try SimFixture.provider()
        let record = try await SimFixture.create(
            provider, "dns", "sim.dns_record", ["zone": "example.com.", "name": "www", "value": "1.2.3.4"]
        )
        #expect(record.outputs["fqdn"] == "www.example.com")
        let edited = try provider.world.edit(id: record.id, set: ["name": "api"])
        #expect(edited.outputs["fqdn"] == "api.example.com")
    }

    @Test("remove deletes a resource whatever refers to it; the provider then reads nothing")
    func removeMakesDrift() async throws {
        let provider = try SimFixture.provider()
        let (network, subnet, _) = try await SimFixture.basicTopology(provider)
        try provider.world.remove(id: network)
        #expect(try await SimFixture.read(provider, "net", "sim.network", id: network) == nil)
        #expect(try provider.world.resource(id: subnet) != nil)
        #expect(try provider.world.inventory().count == 2)
    }

    @Test("edit and remove of an unknown id say how to find the ids")
    func unknownID() throws {
        let world = try SimWorld.inMemory()
        #expect(throws: SimWorldError.self) { try world.remove(id: "net-00000000") }
        do {
            try world.edit(id: "net-00000000", set: ["cidr": "10.0.0.0/8"])
            Issue.record("expected an error")
        } catch let error as SimWorldError {
            #expect(error.description.contains("cairn sim inventory"))
        }
    }

    @Test("the inventory encodes to the CLI's JSON contract")
    func inventoryJSON() async throws {
        let provider = try SimFixture.provider()
        try await SimFixture.create(provider, "net", "sim.network", ["cidr": "10.0.0.0/16"], token: "tok")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(provider.world.inventory()), as: UTF8.self)
        let object = try #require(try Value.parseJSON(Data(json.utf8)).listValue?.first?.mapValue)
        #expect(Set(object.keys) == ["id", "type", "idempotency_key", "tags", "properties"])
        #expect(object["idempotency_key"] == "tok")
        #expect(object["tags"] == ["cairn:address": "test/net"])
        #expect(object["type"] == "sim.network")
    }
}
