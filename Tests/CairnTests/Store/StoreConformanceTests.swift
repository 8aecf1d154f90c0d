import Cairn
import CairnSQLite
import CairnTesting
import Foundation
import Testing

/// The stores the conformance suite runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory = "InMemoryStore"
    case sqliteMemory = "SQLiteStore in memory"
    case sqliteFile = "SQLiteStore on a file"

    var testDescription: String { rawValue }

    /// A new, empty store; `folder` receives the file of a file store.
    func make(in folder: StoreTestFolder) throws -> any StateStore {
        switch self {
        case .memory: InMemoryStore()
        case .sqliteMemory: try SQLiteStore.inMemory()
        case .sqliteFile: try SQLiteStore(path: folder.path("state-\(UUID().uuidString).db"))
        }
    }
}

@Suite("StateStore conformance (DESIGN.md invariants 6 and 7)")
struct StoreConformanceTests {
    @Test("each check passes", arguments: StoreKind.allCases, StoreConformance.checks)
    func check(_ kind: StoreKind, _ check: StoreConformance.Check) async throws {
        let folder = try StoreTestFolder()
        try await check.run(try kind.make(in: folder))
    }

    @Test("runAll passes on a fresh store per check", arguments: StoreKind.allCases)
    func runAll(_ kind: StoreKind) async throws {
        let folder = try StoreTestFolder()
        try await StoreConformance.runAll { try kind.make(in: folder) }
    }

    @Test("the suite catches a store that ignores fencing tokens")
    func catchesUnfencedStore() async throws {
        do {
            try await StoreConformance.runAll { UnfencedStore() }
            Issue.record("a store that accepts stale tokens passed the conformance suite")
        } catch let failure as ConformanceFailure {
            #expect(failure.description.contains("staleCommitWritesNothing"))
            #expect(failure.description.contains("breakLeaseFencesOldHolder"))
            #expect(!failure.description.contains("leaseConflict"))
        }
    }

    @Test("the suite catches a store that lists runs oldest first")
    func catchesMisorderedRuns() async throws {
        let failure = await #expect(throws: ConformanceFailure.self) {
            try await StoreConformance.runsNewestFirst(OldestFirstStore())
        }
        #expect(failure?.check == "runsNewestFirst")
        #expect(failure?.message.contains("newest first") == true)
    }
}

/// Forwards to an ``InMemoryStore`` but commits every batch as if under the newest token.
private struct UnfencedStore: StateStore {
    let base = InMemoryStore()

    func state(stack: String) async throws -> StackState { try await base.state(stack: stack) }
    func commit(_ batch: JournalBatch) async throws -> Int64 {
        var batch = batch
        batch.fencingToken = .max
        return try await base.commit(batch)
    }
    func acquireLease(_ request: LeaseRequest) async throws -> Lease { try await base.acquireLease(request) }
    func renewLease(_ lease: Lease, until: Date) async throws -> Lease {
        try await base.renewLease(lease, until: until)
    }
    func releaseLease(_ lease: Lease) async throws { try await base.releaseLease(lease) }
    func lease(stack: String) async throws -> Lease? { try await base.lease(stack: stack) }
    func breakLease(stack: String) async throws { try await base.breakLease(stack: stack) }
    func runs(stack: String, limit: Int) async throws -> [RunRecord] { try await base.runs(stack: stack, limit: limit) }
    func events(runID: String) async throws -> [JournalEvent] { try await base.events(runID: runID) }
}

/// Forwards to an ``InMemoryStore`` but lists runs oldest first.
private struct OldestFirstStore: StateStore {
    let base = InMemoryStore()

    func state(stack: String) async throws -> StackState { try await base.state(stack: stack) }
    func commit(_ batch: JournalBatch) async throws -> Int64 { try await base.commit(batch) }
    func acquireLease(_ request: LeaseRequest) async throws -> Lease { try await base.acquireLease(request) }
    func renewLease(_ lease: Lease, until: Date) async throws -> Lease {
        try await base.renewLease(lease, until: until)
    }
    func releaseLease(_ lease: Lease) async throws { try await base.releaseLease(lease) }
    func lease(stack: String) async throws -> Lease? { try await base.lease(stack: stack) }
    func breakLease(stack: String) async throws { try await base.breakLease(stack: stack) }
    func runs(stack: String, limit: Int) async throws -> [RunRecord] {
        Array(try await base.runs(stack: stack, limit: .max).reversed().prefix(limit))
    }
    func events(runID: String) async throws -> [JournalEvent] { try await base.events(runID: runID) }
}

/// A folder under the system's temporary folder, removed when released.
final class StoreTestFolder: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of `name` inside the folder.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
