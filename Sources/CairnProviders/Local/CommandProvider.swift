import Cairn
import Foundation

/// The `command` resource type: a provider written in any language, as a program that
/// answers one JSON request per call.
///
/// Properties: `program` (required; a path with a `/` resolves against the base directory,
/// a bare name is looked up in `PATH`), `args` (list of strings), `env` (map of strings) and
/// `input` (any value, handed to the program). The recorded properties are the declared
/// ones; the outputs are what the program answers, with `id` set to the id it returned.
///
/// Each call starts the program once, with `args` as its argument vector (no shell ever
/// sees them), in the base directory, with only `PATH`, `HOME` and `LANG` inherited plus
/// `env`. The program reads one request on stdin:
///
/// ```json
/// {"operation": "read|create|update|delete|find", "idempotency_key": "…" | null,
///  "id": "…" | null, "input": <input>, "prior": <the previous input, on update> | null}
/// ```
///
/// and prints one answer on stdout: `{"id": "…", "outputs": {…}}`, `{"absent": true}`
/// (read, find: there is no such resource), or `{"error": {"class": "transient" |
/// "throttled" | "timeout" | "conflict" | "not_found" | "permanent" | "invalid",
/// "message": "…", "retry_after_ms": 200}}`. A non-zero exit without a JSON error is
/// `transient`; an answer that is not one JSON object of that shape is `invalid`; a
/// program that does not answer within the timeout is stopped and the call is a `timeout`.
public struct CommandProvider: Provider {
    /// The resource type this provider serves.
    public static let type = "command"

    /// The schema of `command` resources. Its outputs are whatever the program answers.
    public static let schema = ResourceSchema(
        type: type,
        properties: [
            PropertySchema("program", .string, required: true, format: .absoluteOrRelativePath),
            PropertySchema("args", .list),
            PropertySchema("env", .map),
            PropertySchema("input", .any),
        ],
        outputs: ["id"]
    )

    /// Settings shared by every call of one provider.
    public struct Configuration: Sendable {
        /// How long one call may take before the program is stopped (`timeout` error).
        public var timeout: Duration
        /// How long a program may take to stop after SIGTERM before it gets SIGKILL.
        public var terminationGrace: Duration
        /// The largest answer read from stdout; a larger one is `invalid`.
        public var maxAnswerBytes: Int
        /// The variables of Cairn's own environment that programs inherit.
        public var inheritedVariables: [String]

        /// A 60 s timeout, a 2 s grace period, answers up to 1 MiB, and `PATH`, `HOME`, `LANG`.
        public init(
            timeout: Duration = .seconds(60), terminationGrace: Duration = .seconds(2),
            maxAnswerBytes: Int = 1 << 20, inheritedVariables: [String] = ["PATH", "HOME", "LANG"]
        ) {
            self.timeout = timeout
            self.terminationGrace = terminationGrace
            self.maxAnswerBytes = maxAnswerBytes
            self.inheritedVariables = inheritedVariables
        }
    }

    /// The folder that relative program paths resolve against, and the programs' working directory.
    public let baseDirectory: URL
    /// The provider's settings.
    public let configuration: Configuration
    let inherited: [String: String]
    let clock: any Clock<Duration>

    /// A provider running programs from `baseDirectory`.
    ///
    /// - Parameters:
    ///   - environment: Cairn's environment, from which `configuration.inheritedVariables` are taken.
    ///   - clock: the clock that times calls out.
    public init(
        baseDirectory: URL, configuration: Configuration = Configuration(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.baseDirectory = baseDirectory
        self.configuration = configuration
        self.inherited = environment.filter { configuration.inheritedVariables.contains($0.key) }
        self.clock = clock
    }

    /// `[CommandProvider.schema]`.
    public var schemas: [ResourceSchema] { [Self.schema] }

    /// Asks the program to read the resource; `{"absent": true}` gives nil.
    public func read(_ request: ReadRequest) async throws -> ResourceSnapshot? {
        let call = Call(operation: "read", idempotencyKey: nil, id: request.id, properties: request.properties)
        switch try await perform(call) {
        case .absent: return nil
        case .resource(let id, let outputs): return snapshot(id: id ?? request.id, outputs, request.properties)
        }
    }

    /// Asks the program to create the resource; its answer must carry an id.
    public func create(_ request: CreateRequest) async throws -> ResourceSnapshot {
        let call = Call(
            operation: "create", idempotencyKey: request.idempotencyKey, id: nil, properties: request.properties)
        switch try await perform(call) {
        case .resource(let id?, let outputs): return snapshot(id: id, outputs, request.properties)
        case .resource(nil, _), .absent:
            throw ProviderError(
                .invalid,
                "\(Self.name(of: request.properties)) answered a create without an id; "
                    + "expected {\"id\": \"...\", \"outputs\": {...}}")
        }
    }

    /// Asks the program to update the resource, with the previous input as `prior`.
    public func update(_ request: UpdateRequest) async throws -> ResourceSnapshot {
        let call = Call(
            operation: "update", idempotencyKey: request.idempotencyKey, id: request.id,
            properties: request.properties, prior: request.prior["input"] ?? .null)
        switch try await perform(call) {
        case .resource(let id, let outputs): return snapshot(id: id ?? request.id, outputs, request.properties)
        case .absent:
            throw ProviderError(
                .notFound, "\(Self.name(of: request.properties)) says resource \(request.id) no longer exists")
        }
    }

    /// Asks the program to delete the resource; any answer but an error means done.
    public func delete(_ request: DeleteRequest) async throws {
        let call = Call(
            operation: "delete", idempotencyKey: request.idempotencyKey, id: request.id, properties: request.properties)
        _ = try await perform(call)
    }

    /// Asks the program for the resource a create with this key made; `{"absent": true}` gives nil.
    /// Needs the request's properties (which program to ask); without them, returns nil.
    public func find(_ request: FindRequest) async throws -> ResourceSnapshot? {
        guard request.properties["program"] != nil else { return nil }
        let call = Call(
            operation: "find", idempotencyKey: request.idempotencyKey, id: nil, properties: request.properties)
        switch try await perform(call) {
        case .absent: return nil
        case .resource(let id?, let outputs): return snapshot(id: id, outputs, request.properties)
        case .resource(nil, _):
            throw ProviderError(
                .invalid,
                "\(Self.name(of: request.properties)) answered a find without an id; "
                    + "expected {\"id\": \"...\", \"outputs\": {...}} or {\"absent\": true}")
        }
    }

    private func snapshot(id: String, _ outputs: [String: Value], _ properties: [String: Value]) -> ResourceSnapshot {
        var outputs = outputs
        outputs["id"] = .string(id)
        return ResourceSnapshot(id: id, properties: properties, outputs: outputs)
    }

    /// Runs the program for one call and decodes its answer (throwing the error it reports).
    func perform(_ call: Call) async throws -> Answer {
        let name = Self.name(of: call.properties)
        let invocation = try invocation(for: call)
        let output: Subprocess.Output
        do {
            output = try await run(invocation)
        } catch let failure as Subprocess.Failure {
            switch failure {
            case .timedOut:
                throw ProviderError(
                    .timeout,
                    "\(name) did not answer the \(call.operation) within \(configuration.timeout), so it was stopped")
            case .outputTooLarge:
                throw ProviderError(
                    .invalid,
                    "\(name) answered too large an answer: more than \(configuration.maxAnswerBytes) bytes "
                        + "on stdout; print only the one JSON answer there, and logs on stderr")
            case .couldNotStart(let reason, let code):
                throw Self.startFailure(name, reason: reason, code: code)
            }
        }
        return try Answer.decode(output, program: name, operation: call.operation)
    }

    /// Runs the program; a start that fails with ETXTBSY is tried again a few times after a
    /// short pause, since the file is only busy while a program started at the same moment
    /// (by this process or another) still holds it open from when it was written.
    private func run(_ invocation: Subprocess.Invocation) async throws -> Subprocess.Output {
        let limits = Subprocess.Limits(
            timeout: configuration.timeout, terminationGrace: configuration.terminationGrace,
            maxOutputBytes: configuration.maxAnswerBytes)
        var attempt = 1
        while true {
            do {
                return try await Subprocess.run(invocation, limits: limits, clock: clock)
            } catch Subprocess.Failure.couldNotStart(_, code: ETXTBSY?) where attempt < Self.busyStartAttempts {
                try await clock.sleep(for: .milliseconds(5 * attempt))
                attempt += 1
            }
        }
    }

    /// How many times a start that fails with ETXTBSY is tried.
    static let busyStartAttempts = 5

    /// Why a program did not start, classified: a busy or exhausted system is transient
    /// (ETXTBSY: the file is still open for writing somewhere), anything else is `invalid`.
    static func startFailure(_ name: String, reason: String, code: Int32?) -> ProviderError {
        switch code {
        case ETXTBSY?, EAGAIN?, ENOMEM?, EMFILE?, ENFILE?, EINTR?:
            return ProviderError(.transient, "\(name) could not be started for now: \(reason)")
        case ENOENT?:
            return ProviderError(
                .invalid, "\(name) could not be started: \(reason); check that the interpreter on its #! line exists")
        case ENOEXEC?:
            return ProviderError(
                .invalid, "\(name) could not be started: \(reason); a script needs a #! line such as #!/bin/sh")
        default:
            return ProviderError(.invalid, "\(name) could not be started: \(reason)")
        }
    }

    /// The program as the spec names it, for messages.
    static func name(of properties: [String: Value]) -> String {
        "program \(properties["program"]?.stringValue ?? "(none)")"
    }
}
