import Cairn
import CairnProviders
import CairnTesting
import Testing

/// A memory provider whose reads of one address show a property other than what was applied,
/// as a provider that quietly rewrites a value would.
final class SkewingProvider: Provider {
    let inner: MemoryProvider
    let address: String
    let skew: [String: Value]
    var schemas: [ResourceSchema] { inner.schemas }

    init(_ inner: MemoryProvider, address: String, skew: [String: Value]) {
        self.inner = inner
        self.address = address
        self.skew = skew
    }

    func read(_ r: ReadRequest) async throws -> ResourceSnapshot? {
        guard var snapshot = try await inner.read(r) else { return nil }
        if r.context.address == address { snapshot.properties.merge(skew) { $1 } }
        return snapshot
    }
    func find(_ r: FindRequest) async throws -> ResourceSnapshot? { try await inner.find(r) }
    func create(_ r: CreateRequest) async throws -> ResourceSnapshot { try await inner.create(r) }
    func update(_ r: UpdateRequest) async throws -> ResourceSnapshot { try await inner.update(r) }
    func delete(_ r: DeleteRequest) async throws { try await inner.delete(r) }
}

@Suite("Verify after apply")
struct VerifyTests {
    static let small = Stack(
        name: "lagged",
        resources: [
            Resource(address: "net", type: "sim.network", properties: ["cidr": "10.0.0.0/16"]),
            Resource(
                address: "subnet", type: "sim.subnet", properties: ["network_id": "${net.id}", "cidr": "10.0.1.0/24"]),
            Resource(
                address: "dns", type: "sim.dns_record",
                properties: ["zone": "example.test", "name": "www", "value": "1.2.3.4"]),
        ])

    @Test("read-after-write lag is waited out with bounded re-reads, not reported")
    func readLag() async throws {
        let bed = try SimBed(faults: FaultProfile(readLag: .milliseconds(300)))
        let result = try await bed.apply(Self.small, verify: VerifyOptions())
        let verify = try #require(result.verify)
        #expect(verify.isClean, "\(verify.mismatched)")
        #expect(verify.checked == 3)
        #expect(verify.rereads > 0, "the lag hid the creates at first")
        let backoff = [100, 200, 400, 800, 1600].map { Duration.milliseconds($0) }
        #expect(
            !bed.clock.sleeps.isEmpty && bed.clock.sleeps.allSatisfy { backoff.contains($0) }, "\(bed.clock.sleeps)")
    }

    @Test("without re-reads the same lag would be reported (the re-reads are what hides it)")
    func readLagWithoutRereads() async throws {
        let bed = try SimBed(faults: FaultProfile(readLag: .milliseconds(300)))
        let result = try await bed.engine.apply(
            try await bed.engine.plan(Self.small), verify: VerifyOptions(rereads: 0))
        let verify = try #require(result.verify)
        #expect(verify.mismatched.count == 3)
        #expect(verify.mismatched.allSatisfy { $0.missing })
    }

    @Test("an update and a delete are verified through the lag too")
    func updateAndDeleteUnderLag() async throws {
        let bed = try SimBed(faults: FaultProfile(readLag: .milliseconds(300)))
        try await bed.apply(Self.small, verify: VerifyOptions())
        var next = Self.small
        next.resources[2].properties["value"] = "5.6.7.8"
        next.resources.remove(at: 1)
        let plan = try await bed.engine.plan(next)
        #expect(plan.summary.update == 1 && plan.summary.delete == 1)
        let result = try await bed.engine.apply(plan, verify: VerifyOptions())
        let verify = try #require(result.verify)
        #expect(verify.isClean, "\(verify.mismatched)")
        #expect(verify.checked == 2, "the updated record, and the deleted one checked gone")
        #expect(verify.rereads > 0)
    }

    @Test("a mismatch that stays is reported after the bounded re-reads, and ignore_drift silences it")
    func persistentMismatch() async throws {
        let clock = TestClock()
        let memory = MemoryProvider(types: ["test.net", "test.subnet", "test.vm"], clock: clock)
        let skewing = SkewingProvider(memory, address: "net", skew: ["cidr": "10.9.0.0/16"])
        let engine = Engine(
            configuration: .init(
                store: InMemoryStore(), registry: ProviderRegistry([skewing]), clock: clock,
                random: RandomSource(seed: 1),
                enforceStepTimeouts: false))
        let result = try await engine.apply(try await engine.plan(chainStack()), verify: VerifyOptions())
        #expect(result.status == .succeeded)
        let verify = try #require(result.verify)
        #expect(verify.mismatched.map(\.address) == ["net"])
        #expect(verify.mismatched.first?.fields.map(\.path) == ["cidr"])
        #expect(verify.rereads == 5)
        #expect(clock.sleeps == [100, 200, 400, 800, 1600].map { Duration.milliseconds($0) })

        let quiet = try await engine.verify(
            [
                VerifyTarget(
                    record: try #require(try await engine.configuration.store.state(stack: "demo").resources["net"]),
                    expectation: .present)
            ],
            stack: "demo", options: VerifyOptions(ignore: ["net": ["cidr"]]))
        #expect(quiet.isClean && quiet.entries.first?.fields.first?.ignored == true)
    }

    @Test("--verify-each-level stops at a wrong foundation and rolls the run back")
    func eachLevelStopsEarly() async throws {
        let clock = TestClock()
        let memory = MemoryProvider(types: ["test.net", "test.subnet", "test.vm"], clock: clock)
        let engine = Engine(
            configuration: .init(
                store: InMemoryStore(),
                registry: ProviderRegistry([SkewingProvider(memory, address: "net", skew: ["cidr": "10.9.0.0/16"])]),
                clock: clock, random: RandomSource(seed: 1), enforceStepTimeouts: false))
        let result = try await engine.apply(
            try await engine.plan(chainStack()), verify: VerifyOptions(eachLevel: true))
        #expect(result.status == .rolledBack)
        #expect(result.verify?.stoppedAtGroup == 0)
        #expect(result.verify?.mismatched.map(\.address) == ["net"])
        #expect(result.failures.contains { $0.errorClass == "gate" })
        #expect(
            memory.mutatingCalls.map(\.operation) == ["create", "delete"], "subnet and vm never started; net undone")
        #expect(memory.resources.isEmpty)
    }

    @Test("--verify-each-level on a sound stack checks every level and succeeds")
    func eachLevelPasses() async throws {
        let bed = try SimBed(faults: FaultProfile(readLag: .milliseconds(300)))
        let result = try await bed.apply(Self.small, verify: VerifyOptions(eachLevel: true))
        #expect(result.verify?.isClean == true)
        #expect(result.verify?.checked == 3)
        #expect(result.verify?.stoppedAtGroup == nil)
    }

    @Test("verify off leaves the result without a verify section")
    func off() async throws {
        let bed = try SimBed()
        let result = try await bed.apply(Self.small, verify: .off)
        #expect(result.verify == nil)
    }
}
