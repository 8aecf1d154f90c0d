import Cairn
import CairnProviders
import CairnSQLite
import Foundation

/// A throwaway workspace for the simulated cloud: a zero-latency, fault-free world and a
/// state store, by default each a SQLite file in a new temporary folder, and an engine over them.
///
/// The in-memory variants exist to split the time of an apply: the durable journal
/// (``Journal/memory`` replaces it with ``InMemoryStore``), the world's own database
/// (``World/memory``) and, what remains, the engine itself.
struct SimBed {
    /// Where the journal and state live.
    enum Journal: String, CaseIterable {
        /// `SQLiteStore` on a file: WAL, `synchronous=FULL` (what the CLI uses).
        case sqlite
        /// `InMemoryStore`: no I/O at all.
        case memory
    }

    /// Where the simulated world lives.
    enum World: String, CaseIterable {
        /// `SimWorld(path:)` (what the CLI uses).
        case file
        /// `SimWorld.inMemory()`.
        case memory
    }

    /// Engine settings a benchmark may vary.
    struct Settings {
        var journal = Journal.sqlite
        var world = World.file
        var stepTimeouts = true
    }

    let directory: URL
    let world: SimWorld
    let store: any StateStore
    let engine: Engine
    private let sqlite: SQLiteStore?
    private let memory: InMemoryStore?

    /// Creates the folder and opens the world and the store in it.
    init(label: String, settings: Settings = Settings()) throws {
        directory = try Measure.temporaryDirectory(label)
        switch settings.world {
        case .file: world = try SimWorld(path: directory.appendingPathComponent("sim.db").path)
        case .memory: world = try SimWorld.inMemory()
        }
        switch settings.journal {
        case .sqlite:
            let sqlite = try SQLiteStore(path: directory.appendingPathComponent("state.db").path)
            (self.sqlite, memory, store) = (sqlite, nil, sqlite)
        case .memory:
            let memory = InMemoryStore()
            (sqlite, self.memory, store) = (nil, memory, memory)
        }
        let registry = ProviderRegistry([SimProvider(world: world, faults: .none)])
        engine = Engine(
            configuration: Engine.Configuration(
                store: store, registry: registry, enforceStepTimeouts: settings.stepTimeouts))
    }

    /// How many commits the store has made.
    var commitCount: Int { sqlite?.commitCount ?? memory?.commitCount ?? 0 }

    /// The bytes of the state database once its write-ahead log is folded in (and emptied);
    /// nil for the in-memory journal.
    func journalBytes() async throws -> Int? {
        guard let sqlite else { return nil }
        try await sqlite.checkpoint()
        return Measure.fileSize(sqlite.path) + Measure.fileSize(sqlite.path + "-wal")
    }

    /// Deletes the folder.
    func remove() { Measure.remove(directory) }
}
