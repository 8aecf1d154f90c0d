import Cairn
import CairnProviders
import CairnSQLite
import Foundation

/// Where a command works: the spec, the `.cairn/` folder beside it, the store, the simulated
/// world and the providers. Built from the command's options and the environment.
///
/// `-f -` reads the spec from standard input. A spec read from standard input or another
/// stream (`/dev/stdin`, `<(generate-spec)`) has no folder of its own: the current directory
/// holds `.cairn/` and is where relative paths in the spec start.
struct Workspace {
    let options: StackOptions
    let environment: [String: String]
    let specURL: URL
    /// The folder the spec's relative paths start from, which holds `.cairn/`.
    let baseDirectory: URL
    /// True when the spec comes from standard input or another stream: it can be read once.
    let isStreamed: Bool
    let stateDirectory: URL

    init(options: StackOptions, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.options = options
        self.environment = environment
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        specURL = URL(fileURLWithPath: options.file, relativeTo: cwd).standardizedFileURL
        isStreamed = options.file == "-" || Self.isStream(specURL.path)
        baseDirectory = isStreamed ? cwd.standardizedFileURL : specURL.deletingLastPathComponent()
        stateDirectory = baseDirectory.appendingPathComponent(".cairn")
    }

    /// Opens the store named by `--store`, `CAIRN_STORE`, or `.cairn/state.db` beside the spec.
    func openStore() throws -> any StateStore {
        let url = options.store ?? environment["CAIRN_STORE"]
        guard let url, !url.isEmpty else {
            return try SQLiteStore(path: stateDirectory.appendingPathComponent("state.db").path)
        }
        if url.hasPrefix("sqlite:") { return try SQLiteStore(path: String(url.dropFirst("sqlite:".count))) }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            throw UsageError("PostgreSQL stores are not built yet; use sqlite:PATH or leave --store out")
        }
        throw UsageError("--store takes sqlite:PATH, got '\(url)'")
    }

    func openSimWorld() throws -> SimWorld {
        try SimWorld(path: stateDirectory.appendingPathComponent("sim.db").path)
    }

    /// The fault profile from `--faults` or `CAIRN_FAULTS`, or none.
    func faultProfile() throws -> FaultProfile {
        guard let path = options.faults ?? environment["CAIRN_FAULTS"], !path.isEmpty else { return .none }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw UsageError("cannot read the fault profile \(path): \(error.localizedDescription)")
        }
        return try FaultProfile.load(yaml: text, source: path)
    }

    func registry(world: SimWorld) throws -> ProviderRegistry {
        ProviderRegistry([
            SimProvider(world: world, faults: try faultProfile()),
            DirectoryProvider(baseDirectory: baseDirectory),
            FileProvider(baseDirectory: baseDirectory),
            CommandProvider(baseDirectory: baseDirectory),
        ])
    }

    /// The spec as messages name it.
    var specName: String { options.file == "-" ? "<stdin>" : options.file }

    /// True when `path` names a stream: a file descriptor's path (`/dev/stdin`, `/dev/fd/63`
    /// from `<(...)`, `/proc/self/fd/0`), even when it leads to a regular file, whose folder is
    /// no place for state; or a pipe, socket or device wherever it is. (A spec in a folder
    /// such as `/dev/shm` is a file like any other.)
    private static func isStream(_ path: String) -> Bool {
        if path == "/dev/stdin" || path.hasPrefix("/dev/fd/") || (path.hasPrefix("/proc/") && path.contains("/fd/")) {
            return true
        }
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFSOCK || type == S_IFCHR || type == S_IFBLK
    }

    /// Reads and validates the spec.
    func loadStack(registry: ProviderRegistry) throws -> Stack {
        guard options.file == "-" || FileManager.default.fileExists(atPath: specURL.path) else {
            throw UsageError("no spec at \(options.file); pass -f FILE or run in the folder that holds cairn.yaml")
        }
        var loader = SpecLoader(
            registry: registry,
            options: SpecLoader.Options(
                variables: try options.keyValues(options.variables, option: "var"),
                flags: try options.keyValues(options.flags, option: "flag"), environment: environment))
        if let path = options.flagsFile {
            loader.options.flagsFile = try loader.loadFlags(file: URL(fileURLWithPath: path))
        }
        if options.file == "-" { return try loader.load(handle: .standardInput, fileName: specName) }
        return try loader.load(file: specURL)
    }

    /// Reads and validates the spec, opening and creating nothing in `.cairn/` (the simulated
    /// world's schemas come from an empty world in memory).
    func validateStack() throws -> Stack {
        try Observability.bootstrap(options.observability)
        return try loadStack(registry: registry(world: SimWorld.inMemory()))
    }

    /// Everything a stack command needs, opened once.
    func open(observer: any RunObserver = NoRunObserver()) throws -> (engine: Engine, stack: Stack, world: SimWorld) {
        let world = try openSimWorld()
        let registry = try registry(world: world)
        try Observability.bootstrap(options.observability)
        let stack = try loadStack(registry: registry)
        // The live view draws as things happen; logs, metrics and spans are made beside the run.
        let observed = FanOutRunObserver([observer, Observability.recorder(stack: stack, registry: registry)])
        let engine = Engine(configuration: Engine.Configuration(store: try openStore(), registry: registry, observer: observed))
        return (engine, stack, world)
    }
}
