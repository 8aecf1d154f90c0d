import Cairn
import Testing

@testable import CairnProviders

/// Fault injection (invariant 8: deterministic with a seed and a virtual clock).
@Suite("Sim provider: fault injection")
struct SimFaultTests {
    static let network: [String: Value] = ["cidr": "10.0.0.0/16"]

    static func rule(_ match: FaultProfile.Match = .init(), _ configure: (inout FaultProfile.Rule) -> Void)
        -> FaultProfile
    {
        var rule = FaultProfile.Rule(match: match)
        configure(&rule)
        return FaultProfile(rules: [rule])
    }

    @Test("transient: the call fails retryably and nothing is created")
    func transient() async throws {
        let provider = try SimFixture.provider(faults: Self.rule { $0.transient = 1 })
        let error = await SimFixture.providerError {
            try await SimFixture.create(provider, "net", "sim.network", Self.network)
        }
        #expect(error?.errorClass == .transient)
        #expect(error?.errorClass.isRetryable == true)
        #expect(try provider.world.count() == 0)
        #expect(provider.stats.creates == 0)
        #expect(provider.stats.faultsByKind["transient"] == 1)
    }

    @Test("throttle: the error carries retry_after, 200ms by default", arguments: [nil, Duration.milliseconds(500)])
    func throttle(_ retryAfter: Duration?) async throws {
        let provider = try SimFixture.provider(
            faults: Self.rule {
                $0.throttle = 1
                if let retryAfter { $0.retryAfter = retryAfter }
            }
        )
        let error = await SimFixture.providerError {
            try await SimFixture.create(provider, "net", "sim.network", Self.network)
        }
        #expect(error?.errorClass == .throttled)
        #expect(error?.retryAfter == (retryAfter ?? .milliseconds(200)))
        #expect(try provider.world.count() == 0)
    }

    @Test("lost response: the create is applied, then the call times out; find resolves it")
    func lostResponseCreate() async throws {
        let provider = try SimFixture.provider(faults: Self.rule { $0.lostResponse = 1 })
        let error = await SimFixture.providerError {
            try await SimFixture.create(provider, "net", "sim.network", Self.network, token: "k")
        }
        #expect(error?.errorClass == .timeout)
        #expect(try provider.world.count() == 1)
        #expect(provider.stats.creates == 1)
        #expect(try provider.world.resource(idempotencyKey: "k") != nil)

        let clean = SimProvider(world: provider.world)
        let found = try await SimFixture.find(clean, "net", "sim.network", token: "k")
        let retried = try await SimFixture.create(clean, "net", "sim.network", Self.network, token: "k")
        #expect(found?.id == retried.id)
        #expect(try clean.world.count() == 1)
    }

    @Test("lost response: a delete is applied, then the call times out")
    func lostResponseDelete() async throws {
        let world = try SimWorld.inMemory()
        let created = try await SimFixture.create(SimProvider(world: world), "net", "sim.network", Self.network)
        let faulty = SimProvider(
            world: world, faults: Self.rule(.init(operation: .delete)) { $0.lostResponse = 1 }, clock: SimTestClock()
        )
        let error = await SimFixture.providerError {
            try await SimFixture.delete(faulty, "net", "sim.network", id: created.id)
        }
        #expect(error?.errorClass == .timeout)
        #expect(try world.resource(id: created.id) == nil)
    }

    @Test("permanent: every call on the chosen address fails for good, other addresses work")
    func permanentForAddress() async throws {
        let provider = try SimFixture.provider(faults: Self.rule(.init(address: "attach")) { $0.permanent = true })
        for address in ["attach", "attach[0]"] {
            let error = await SimFixture.providerError {
                try await SimFixture.create(provider, address, "sim.bucket", ["name": "b"], token: address)
            }
            #expect(error?.errorClass == .permanent)
            #expect(error?.errorClass.isRetryable == false)
        }
        try await SimFixture.create(provider, "attachment2", "sim.bucket", ["name": "b"])
        #expect(provider.stats.faultsByKind["permanent"] == 2)
        #expect(try provider.world.count() == 1)
    }

    @Test("the first matching rule wins, and a match on operation spares other operations")
    func firstRuleWins() async throws {
        let faults = FaultProfile(rules: [
            FaultProfile.Rule(match: .init(type: "sim.network")),
            FaultProfile.Rule(match: .init(operation: .create), transient: 1),
        ])
        let provider = try SimFixture.provider(faults: faults)
        let network = try await SimFixture.create(provider, "net", "sim.network", Self.network)
        let error = await SimFixture.providerError {
            try await SimFixture.create(provider, "b", "sim.bucket", ["name": "b"])
        }
        #expect(error?.errorClass == .transient)
        #expect(try await SimFixture.read(provider, "b", "sim.bucket", id: "bucket-00000000") == nil)
        #expect(try await SimFixture.read(provider, "net", "sim.network", id: network.id) == network)
    }

    @Test("partition: every call fails inside the window measured on the injected clock")
    func partitionWindow() async throws {
        let clock = SimTestClock()
        let faults = FaultProfile(partitions: [FaultProfile.Partition(after: .seconds(2), duration: .seconds(3))])
        let provider = try SimFixture.provider(faults: faults, clock: clock)
        let network = try await SimFixture.create(provider, "net", "sim.network", Self.network)

        clock.advance(by: .seconds(2))
        let inside = await SimFixture.providerError {
            _ = try await SimFixture.read(provider, "net", "sim.network", id: network.id)
        }
        #expect(inside?.errorClass == .transient)
        #expect(inside?.message.contains("partition") == true)
        clock.advance(by: .milliseconds(2999))
        let stillInside = await SimFixture.providerError {
            try await SimFixture.create(provider, "b", "sim.bucket", ["name": "b"])
        }
        #expect(stillInside?.errorClass == .transient)

        clock.advance(by: .milliseconds(1))
        #expect(try await SimFixture.read(provider, "net", "sim.network", id: network.id) == network)
        #expect(provider.stats.faultsByKind["partition"] == 2)
    }

    @Test("read lag: a new resource stays invisible to read and find until the lag has passed")
    func readLagCreate() async throws {
        let clock = SimTestClock()
        let provider = try SimFixture.provider(faults: FaultProfile(readLag: .milliseconds(300)), clock: clock)
        let created = try await SimFixture.create(provider, "net", "sim.network", Self.network, token: "k")
        #expect(try await SimFixture.read(provider, "net", "sim.network", id: created.id) == nil)
        #expect(try await SimFixture.find(provider, "net", "sim.network", token: "k") == nil)
        clock.advance(by: .milliseconds(299))
        #expect(try await SimFixture.read(provider, "net", "sim.network", id: created.id) == nil)
        clock.advance(by: .milliseconds(1))
        #expect(try await SimFixture.read(provider, "net", "sim.network", id: created.id) == created)
        #expect(try await SimFixture.find(provider, "net", "sim.network", token: "k") == created)
    }

    @Test("read lag: reads see the previous version of an update, and a deleted resource for a while")
    func readLagUpdateAndDelete() async throws {
        let clock = SimTestClock()
        let provider = try SimFixture.provider(faults: FaultProfile(readLag: .milliseconds(300)), clock: clock)
        let created = try await SimFixture.create(provider, "vol", "sim.volume", ["size_gb": 10])
        clock.advance(by: .seconds(1))
        let grown = try await SimFixture.update(provider, "vol", "sim.volume", id: created.id, ["size_gb": 20])
        #expect(try await SimFixture.read(provider, "vol", "sim.volume", id: created.id)?.properties["size_gb"] == 10)
        clock.advance(by: .milliseconds(300))
        #expect(try await SimFixture.read(provider, "vol", "sim.volume", id: created.id) == grown)

        try await SimFixture.delete(provider, "vol", "sim.volume", id: created.id)
        #expect(try await SimFixture.read(provider, "vol", "sim.volume", id: created.id) == grown)
        clock.advance(by: .milliseconds(300))
        #expect(try await SimFixture.read(provider, "vol", "sim.volume", id: created.id) == nil)
    }

    @Test("latency: each call sleeps on the injected clock, within the bounds")
    func latency() async throws {
        let clock = SimTestClock()
        let faults = FaultProfile(seed: 3, latency: .init(min: .milliseconds(5), max: .milliseconds(40)))
        let provider = try SimFixture.provider(faults: faults, clock: clock)
        let created = try await SimFixture.create(provider, "net", "sim.network", Self.network)
        for _ in 0..<20 { _ = try await SimFixture.read(provider, "net", "sim.network", id: created.id) }
        let sleeps = clock.sleeps
        #expect(sleeps.count == 21)
        #expect(sleeps.allSatisfy { $0 >= .milliseconds(5) && $0 <= .milliseconds(40) })
        #expect(Set(sleeps).count > 1)
        #expect(clock.now.offset == sleeps.reduce(.zero, +))
    }

    @Test("no latency: calls do not sleep at all")
    func noLatencyNoSleep() async throws {
        let clock = SimTestClock()
        let provider = try SimFixture.provider(clock: clock)
        try await SimFixture.create(provider, "net", "sim.network", Self.network)
        #expect(clock.sleeps.isEmpty)
    }

    /// The outcome of each of `calls` creates: "ok" or the error class.
    static func outcomes(seed: UInt64, calls: Int) async throws -> [String] {
        let faults = FaultProfile(
            seed: seed, latency: .init(min: .zero, max: .milliseconds(10)),
            rules: [FaultProfile.Rule(transient: 0.3, throttle: 0.2, lostResponse: 0.2)]
        )
        let clock = SimTestClock()
        let provider = try SimFixture.provider(faults: faults, clock: clock)
        var outcomes: [String] = []
        for index in 0..<calls {
            let error = await SimFixture.providerError {
                try await SimFixture.create(provider, "b\(index)", "sim.bucket", ["name": "b"], token: "k\(index)")
            }
            outcomes.append(error?.errorClass.rawValue ?? "ok")
        }
        outcomes.append("slept \(clock.now.offset)")
        return outcomes
    }

    @Test("determinism: the same seed and calls give the same faults; another seed differs")
    func determinism() async throws {
        let first = try await Self.outcomes(seed: 42, calls: 60)
        let second = try await Self.outcomes(seed: 42, calls: 60)
        let other = try await Self.outcomes(seed: 43, calls: 60)
        #expect(first == second)
        #expect(first != other)
        #expect(Set(first.dropLast()) == ["ok", "transient", "throttled", "timeout"])
    }
}
