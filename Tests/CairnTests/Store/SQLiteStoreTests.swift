import Cairn
import CairnSQLite
import Foundation
import Testing

@Suite("SQLiteStore durability and sharing")
struct SQLiteStoreTests {
    private static let now = Date(timeIntervalSince1970: 1_700_000_000)

    private static func request(_ holder: String, stack: String = "web") -> LeaseRequest {
        LeaseRequest(
            stack: stack, holder: holder, host: "host-\(holder)", pid: 4242, now: now, duration: .seconds(60),
            mayTakeOver: { _ in false })
    }

    private static func resource(_ address: String, _ properties: [String: Value] = ["size": 1]) -> RecordedResource {
        RecordedResource(
            address: address, type: "sim.volume", id: "vol-\(address)", properties: properties, outputs: [:])
    }

    @Test("a file store commits in WAL mode with synchronous=FULL and a 5 s busy timeout")
    func durabilitySettings() async throws {
        let folder = try StoreTestFolder()
        let store = try SQLiteStore(path: folder.path("state.db"))
        let settings = try await store.connectionSettings()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == "full")
        #expect(settings.busyTimeout == .seconds(5))
        #expect(FileManager.default.fileExists(atPath: folder.path("state.db-wal")))
    }

    @Test("state, runs, events, leases and fencing tokens survive closing and reopening the file")
    func persistence() async throws {
        let folder = try StoreTestFolder()
        let path = folder.path("state.db")
        let start = Date()  // an arbitrary instant: times must come back exactly
        let run = RunRecord(
            runID: "run-1", stack: "web", status: .succeeded, operation: "apply", startedAt: start,
            finishedAt: start.addingTimeInterval(1.234567))
        let event = JournalEvent(
            runID: "run-1", time: start.addingTimeInterval(0.000123), kind: .outcome,
            address: "disk", status: "ok", detail: ["id": "vol-disk"])
        let disk = Self.resource(
            "disk", ["size_gb": .double(20.0), "ratio": .double(1e-7), "big": .int(.max), "control": "\u{01}\u{1F}"])
        let lease: Lease
        do {
            let store = try SQLiteStore(path: path)
            let first = try await store.acquireLease(Self.request("alice"))
            try await store.commit(
                JournalBatch(
                    stack: "web", fencingToken: first.fencingToken, run: run, events: [event],
                    changes: [.put(disk)]))
            try await store.releaseLease(first)
            lease = try await store.acquireLease(Self.request("bob"))
            #expect(store.commitCount == 1)
        }
        let reopened = try SQLiteStore(path: path)
        #expect(
            try await reopened.state(stack: "web") == StackState(stack: "web", serial: 1, resources: ["disk": disk]))
        #expect(try await reopened.runs(stack: "web", limit: 5) == [run])
        var stored = try await reopened.events(runID: "run-1")
        #expect(stored.count == 1)
        stored[0].sequence = 0
        #expect(stored == [event])
        #expect(try await reopened.lease(stack: "web") == lease)
        #expect(lease.fencingToken == 2)
        await #expect(throws: FencedOff.self) {
            try await reopened.commit(JournalBatch(stack: "web", fencingToken: 1, changes: [.remove("disk")]))
        }
        #expect(reopened.commitCount == 0)
    }

    @Test("two stores sharing one file race for each stack's lease: exactly one wins each race")
    func leaseRace() async throws {
        let folder = try StoreTestFolder()
        let path = folder.path("state.db")
        let stores = [try SQLiteStore(path: path), try SQLiteStore(path: path)]
        let stacks = (0..<20).map { "stack-\($0)" }
        let outcomes = try await withThrowingTaskGroup(of: (String, Int, Lease?).self) { group in
            for stack in stacks {
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        do {
                            return (stack, index, try await store.acquireLease(Self.request("p\(index)", stack: stack)))
                        } catch is LeaseConflict {
                            return (stack, index, nil)
                        }
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for stack in stacks {
            let winners = outcomes.filter { $0.0 == stack && $0.2 != nil }
            #expect(winners.count == 1, "stack \(stack): \(winners.count) winners")
            let stored = try await stores[0].lease(stack: stack)
            #expect(stored == winners.first?.2)
            #expect(stored?.fencingToken == 1)
        }
    }

    @Test("bytes written per commit stay flat as a stack grows from 1,000 to 10,000 resources")
    func flatWriteAmplification() async throws {
        let folder = try StoreTestFolder()
        let small = try await Self.walBytesPerCommit(resources: 1_000, path: folder.path("small.db"))
        let large = try await Self.walBytesPerCommit(resources: 10_000, path: folder.path("large.db"))
        #expect(large <= small * 2, "per commit: \(small) bytes with 1k resources, \(large) with 10k")
        // A rewrite of the whole state would write megabytes per commit; a row update, a few pages.
        #expect(large < 64 * 1024, "per commit with 10k resources: \(large) bytes")
    }

    /// Seeds a stack with `resources` resources, then measures the WAL growth of single-resource commits.
    private static func walBytesPerCommit(resources: Int, path: String) async throws -> Int {
        let store = try SQLiteStore(path: path)
        let padding = Value.string(String(repeating: "x", count: 300))
        let seed = (0..<resources).map { StateChange.put(resource("r\($0)", ["size": 1, "padding": padding])) }
        try await store.commit(JournalBatch(stack: "big", fencingToken: 0, changes: seed))
        try await store.checkpoint()
        let before = try walSize(path)
        let commits = 40
        for i in 0..<commits {
            let address = "r\((i * 7_919) % resources)"
            let event = JournalEvent(runID: "run", time: now, kind: .outcome, address: address, status: "ok")
            try await store.commit(
                JournalBatch(
                    stack: "big", fencingToken: 0, events: [event],
                    changes: [.put(resource(address, ["size": .int(i + 2), "padding": padding]))]))
        }
        let state = try await store.state(stack: "big")
        #expect(state.resources.count == resources)
        #expect(state.serial == Int64(commits + 1))
        return (try walSize(path) - before) / commits
    }

    private static func walSize(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path + "-wal")
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }
}
