import Cairn
import Testing

@testable import CairnProviders

/// Invariants 2 and 3: idempotency keys behave like EC2 client tokens, and `find` resolves a
/// step whose outcome is in doubt.
@Suite("Sim provider: idempotency keys")
struct SimProviderIdempotencyTests {
    @Test("a create repeated with the same key returns the same resource and creates nothing new")
    func sameKeySameResource() async throws {
        let provider = try SimFixture.provider()
        let properties: [String: Value] = ["cidr": "10.0.0.0/16", "region": "sim-east-1"]
        let first = try await SimFixture.create(provider, "net", "sim.network", properties, token: "run1/net/create")
        let second = try await SimFixture.create(provider, "net", "sim.network", properties, token: "run1/net/create")
        #expect(first == second)
        #expect(try provider.world.count() == 1)
        #expect(provider.stats.creates == 2)
        #expect(provider.stats.replayedCreates == 1)
    }

    @Test("a new key for the same properties makes a second resource")
    func newKeyNewResource() async throws {
        let provider = try SimFixture.provider()
        let properties: [String: Value] = ["cidr": "10.0.0.0/16"]
        let first = try await SimFixture.create(provider, "net", "sim.network", properties, token: "run1")
        let second = try await SimFixture.create(provider, "net", "sim.network", properties, token: "run2")
        #expect(first.id != second.id)
        #expect(try provider.world.count(type: "sim.network") == 2)
    }

    @Test("the same key with different properties is refused as a parameter mismatch")
    func sameKeyDifferentProperties() async throws {
        let provider = try SimFixture.provider()
        try await SimFixture.create(provider, "net", "sim.network", ["cidr": "10.0.0.0/16"], token: "k")
        let error = await SimFixture.providerError {
            try await SimFixture.create(provider, "net", "sim.network", ["cidr": "10.9.0.0/16"], token: "k")
        }
        #expect(error?.errorClass == .invalid)
        #expect(error?.message.contains("IdempotentParameterMismatch") == true)
        #expect(try provider.world.count() == 1)
        #expect(try provider.world.inventory().first?.properties["cidr"] == "10.0.0.0/16")
    }

    @Test("the same key for another type is refused")
    func sameKeyOtherType() async throws {
        let provider = try SimFixture.provider()
        try await SimFixture.create(provider, "b", "sim.bucket", ["name": "logs"], token: "k")
        let error = await SimFixture.providerError {
            _ = try await provider.create(
                CreateRequest(
                    context: SimFixture.context("b", "sim.service"), properties: ["name": "logs", "endpoint": "x"],
                    idempotencyKey: IdempotencyKey(token: "k", digest: Value.map(["name": "logs"]).canonicalJSON)
                )
            )
        }
        #expect(error?.errorClass == .invalid)
    }

    @Test("find by key returns what the key created, and nil for an unknown key")
    func findByKey() async throws {
        let provider = try SimFixture.provider()
        let created = try await SimFixture.create(provider, "b", "sim.bucket", ["name": "logs"], token: "k1")
        let found = try await SimFixture.find(provider, "b", "sim.bucket", token: "k1")
        #expect(found == created)
        #expect(try await SimFixture.find(provider, "b", "sim.bucket", token: "never-used") == nil)
    }

    @Test("read of a missing id is nil, delete of a missing id succeeds")
    func missingResources() async throws {
        let provider = try SimFixture.provider()
        #expect(try await SimFixture.read(provider, "net", "sim.network", id: "net-00000000") == nil)
        try await SimFixture.delete(provider, "net", "sim.network", id: "net-00000000")
        let created = try await SimFixture.create(provider, "net", "sim.network", ["cidr": "10.0.0.0/16"])
        try await SimFixture.delete(provider, "net", "sim.network", id: created.id)
        try await SimFixture.delete(provider, "net", "sim.network", id: created.id)
        #expect(try await SimFixture.read(provider, "net", "sim.network", id: created.id) == nil)
        #expect(try await SimFixture.find(provider, "net", "sim.network", token: "create-net") == nil)
        #expect(provider.stats.deletes == 3)
    }

    @Test("every resource carries its cairn:address tag and the key it was created with")
    func tagsAndKey() async throws {
        let provider = try SimFixture.provider()
        let created = try await SimFixture.create(provider, "web", "sim.bucket", ["name": "web"], token: "tok")
        let resource = try #require(try provider.world.resource(id: created.id))
        #expect(resource.tags["cairn:address"] == "test/web")
        #expect(resource.qualifiedAddress == "test/web")
        #expect(resource.idempotencyKey == "tok")
        #expect(try provider.world.resource(idempotencyKey: "tok")?.id == created.id)
    }
}
