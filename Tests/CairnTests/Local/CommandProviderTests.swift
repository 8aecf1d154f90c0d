import Cairn
import CairnProviders
import Foundation
import Testing

/// Runs real `#!/bin/sh` programs written at test time. Nothing here sleeps: the timeout
/// cases use a clock whose sleeps end at once.
@Suite("CommandProvider")
struct CommandProviderTests {
    typealias Support = LocalTestSupport

    /// Answers with the request it read on stdin as its outputs.
    static let echoRequest = #"req=$(cat); printf '{"id": "r-1", "outputs": {"request": %s}}\n' "$req""#

    private func provider(
        _ base: URL, configuration: CommandProvider.Configuration = .init(),
        clock: any Clock<Duration> = ContinuousClock(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> CommandProvider {
        CommandProvider(baseDirectory: base, configuration: configuration, environment: environment, clock: clock)
    }

    private func create(_ provider: CommandProvider, _ properties: [String: Value]) async throws -> ResourceSnapshot {
        try await provider.create(
            CreateRequest(context: Support.context("command"), properties: properties, idempotencyKey: Support.key))
    }

    private func expectError(
        _ provider: CommandProvider, _ properties: [String: Value],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async -> ProviderError? {
        await #expect(throws: ProviderError.self, sourceLocation: sourceLocation) {
            try await create(provider, properties)
        }
    }

    @Test("create sends one JSON request on stdin and records the answer: id, outputs, declared properties")
    func createRoundTrip() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, Self.echoRequest)
            let properties: [String: Value] = ["program": "./p.sh", "input": ["size": 3, "tags": ["a"]]]
            let snapshot = try await create(provider(base), properties)
            #expect(snapshot.id == "r-1")
            #expect(snapshot.properties == properties)
            #expect(snapshot.outputs["id"] == "r-1")
            #expect(
                snapshot.outputs["request"]
                    == [
                        "operation": "create", "idempotency_key": "run-1/create/thing", "id": nil,
                        "input": ["size": 3, "tags": ["a"]], "prior": nil,
                    ])
        }
    }

    @Test("update sends the id, the new input and the prior input")
    func updateSendsPrior() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, Self.echoRequest)
            let updated = try await provider(base).update(
                UpdateRequest(
                    context: Support.context("command"), id: "r-1", prior: ["program": "./p.sh", "input": 1],
                    properties: ["program": "./p.sh", "input": 2], changed: ["input"], idempotencyKey: Support.key))
            #expect(
                updated.outputs["request"]
                    == [
                        "operation": "update", "idempotency_key": "run-1/create/thing", "id": "r-1", "input": 2,
                        "prior": 1,
                    ])
        }
    }

    @Test("read answers the resource, or nil when the program says it is absent")
    func read() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, Self.echoRequest)
            try Support.script("absent.sh", in: base, #"cat >/dev/null; echo '{"absent": true}'"#)
            let command = provider(base)
            let found = try await command.read(
                ReadRequest(context: Support.context("command"), id: "r-1", properties: ["program": "./p.sh"]))
            #expect(found?.id == "r-1")
            #expect(found?.outputs["request"]?.mapValue?["operation"] == "read")
            #expect(found?.outputs["request"]?.mapValue?["idempotency_key"] == .null)
            let gone = try await command.read(
                ReadRequest(context: Support.context("command"), id: "r-1", properties: ["program": "./absent.sh"]))
            #expect(gone == nil)
        }
    }

    @Test("find asks the program by key; absent gives nil; without properties there is no program to ask")
    func find() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, Self.echoRequest)
            try Support.script("absent.sh", in: base, #"cat >/dev/null; echo '{"absent": true}'"#)
            let command = provider(base)
            func find(_ properties: [String: Value]) async throws -> ResourceSnapshot? {
                try await command.find(
                    FindRequest(
                        context: Support.context("command"), idempotencyKey: Support.key, properties: properties))
            }
            let found = try await find(["program": "./p.sh"])
            #expect(found?.outputs["request"]?.mapValue?["operation"] == "find")
            #expect(found?.outputs["request"]?.mapValue?["idempotency_key"] == "run-1/create/thing")
            #expect(try await find(["program": "./absent.sh"]) == nil)
            #expect(try await find([:]) == nil)
        }
    }

    @Test("delete succeeds on any answer but an error; update of an absent resource is not_found")
    func deleteAndAbsentUpdate() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("absent.sh", in: base, #"cat >/dev/null; echo '{"absent": true}'"#)
            let command = provider(base)
            try await command.delete(
                DeleteRequest(
                    context: Support.context("command"), id: "r-1", properties: ["program": "./absent.sh"],
                    idempotencyKey: Support.key))
            let error = await #expect(throws: ProviderError.self) {
                try await command.update(
                    UpdateRequest(
                        context: Support.context("command"), id: "r-1", prior: [:],
                        properties: ["program": "./absent.sh"],
                        changed: [], idempotencyKey: Support.key))
            }
            #expect(error?.errorClass == .notFound)
            let created = await expectError(command, ["program": "./absent.sh"])
            #expect(created?.errorClass == .invalid)
        }
    }

    @Test("args arrive as argv, never through a shell; the program runs in the base directory")
    func argsAreLiteral() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, #"printf '%s|%s' "$1" "$2" > args.txt; echo '{"id": "x"}'"#)
            _ = try await create(provider(base), ["program": "./p.sh", "args": ["$(touch pwned)", "a b; rm -rf ~"]])
            #expect(Support.contents(base.path + "/args.txt") == "$(touch pwned)|a b; rm -rf ~")
            #expect(Support.info(base.path + "/pwned") == nil)
        }
    }

    @Test("the environment holds only PATH, HOME and LANG from Cairn's, plus env")
    func environment() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script(
                "p.sh", in: base,
                #"""
                printf '{"id": "x", "outputs": {"greeting": "%s", "home": "%s", "secret": "%s"}}\n' \
                    "$GREETING" "$HOME" "${CAIRN_SECRET:-unset}"
                """#)
            let command = provider(
                base, environment: ["PATH": "/usr/bin:/bin", "HOME": "/home/test", "CAIRN_SECRET": "leaked"])
            let snapshot = try await create(command, ["program": "./p.sh", "env": ["GREETING": "hi"]])
            #expect(snapshot.outputs["greeting"] == "hi")
            #expect(snapshot.outputs["home"] == "/home/test")
            #expect(snapshot.outputs["secret"] == "unset")
        }
    }

    @Test("a bare program name is looked up in PATH")
    func pathLookup() async throws {
        try await Support.withTemporaryDirectory { base in
            let snapshot = try await create(
                provider(base, environment: ["PATH": "/usr/bin:/bin"]),
                ["program": "sh", "args": ["-c", #"cat >/dev/null; echo '{"id": "via-path"}'"#]])
            #expect(snapshot.id == "via-path")
        }
    }

    @Test(
        "a program that cannot be run is invalid, and the message says where it looked",
        arguments: [
            ("./missing.sh", "not found relative to"),
            ("no-such-program-cairn", "not found in PATH"),
            ("./plain.txt", "chmod +x"),
            ("./folder", "not found"),
            ("./no-shebang", "#! line such as"),
            ("./bad-interpreter", "interpreter on its #! line"),
        ])
    func programNotRunnable(program: String, says: String) async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.writeFile("not a program", to: base.path + "/plain.txt")
            try Support.executable("no-shebang", in: base, "\u{7f}ELF garbage")
            try Support.executable("bad-interpreter", in: base, "#!/nonexistent/cairn-shell\necho hi\n")
            #expect(mkdir(base.path + "/folder", 0o755) == 0)
            let error = await expectError(provider(base), ["program": .string(program)])
            #expect(error?.errorClass == .invalid)
            #expect(error?.message.contains(says) == true, "\(error?.message ?? "")")
        }
    }

    @Test("a program still open for writing (ETXTBSY) is tried a few times, then is transient")
    func busyProgram() async throws {
        try await Support.withTemporaryDirectory { base in
            let path = try Support.script("p.sh", in: base, #"echo '{"id": "x"}'"#)
            let writer = open(path, O_WRONLY | O_CLOEXEC)
            #expect(writer >= 0)
            defer { close(writer) }
            let error = await expectError(
                provider(base, clock: Support.ImmediateClock()), ["program": "./p.sh"])
            #expect(error?.errorClass == .transient)
            #expect(error?.message.contains("could not be started for now") == true)
        }
    }

    @Test("a non-zero exit without a JSON error is transient and quotes stderr's last line")
    func nonZeroExit() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, "cat >/dev/null; echo starting >&2; echo 'disk on fire' >&2; exit 3")
            let error = await expectError(provider(base), ["program": "./p.sh"])
            #expect(error?.errorClass == .transient)
            #expect(error?.message.contains("exited with status 3") == true)
            #expect(error?.message.hasSuffix("disk on fire") == true)
        }
    }

    @Test(
        "a JSON error keeps its class, message and retry-after, whatever the exit status",
        arguments: ProviderError.Class.allCases)
    func reportedErrors(errorClass: ProviderError.Class) async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script(
                "p.sh", in: base,
                #"""
                cat >/dev/null
                printf '{"error": {"class": "%s", "message": "nope", "retry_after_ms": 250}}\n' "$1"
                exit "$2"
                """#)
            for status in ["0", "1"] {
                let error = await expectError(
                    provider(base), ["program": "./p.sh", "args": [.string(errorClass.rawValue), .string(status)]])
                #expect(error == ProviderError(errorClass, "program ./p.sh: nope", retryAfter: .milliseconds(250)))
            }
        }
    }

    @Test(
        "malformed answers are invalid and say what was expected",
        arguments: [
            ("echo hello", "not JSON"),
            ("true", "printed nothing"),
            ("echo '[1, 2]'", "not an object"),
            (#"echo '{"foo": 1}'"#, "none of id, absent or error"),
            (#"echo '{"error": {"class": "weird", "message": "x"}}'"#, "unknown class \"weird\""),
            (#"echo '{"error": "boom"}'"#, "without a class"),
            (#"echo '{"id": "x", "outputs": [1]}'"#, "not an object"),
            (#"echo '{"id": ["x"]}'"#, "not a non-empty string"),
        ])
    func malformedAnswers(body: String, says: String) async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, "cat >/dev/null; " + body)
            let error = await expectError(provider(base), ["program": "./p.sh"])
            #expect(error?.errorClass == .invalid)
            #expect(error?.message.contains(says) == true, "\(error?.message ?? "")")
        }
    }

    @Test(
        "a program that does not answer in time is stopped, and the call is a timeout",
        arguments: ["exec sleep 5", "sleep 5", "trap '' TERM; sleep 5"])
    func timeout(body: String) async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, body)
            let command = provider(
                base, configuration: .init(timeout: .milliseconds(200)), clock: Support.ImmediateClock())
            let started = ContinuousClock.now
            let error = await expectError(command, ["program": "./p.sh"])
            #expect(error?.errorClass == .timeout)
            #expect(error?.message.contains("did not answer the create within") == true)
            // The 5 s sleeper (and a child that outlives the shell) was killed, not waited for.
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }

    @Test("a flood on stdout is cut at the limit and is invalid")
    func answerTooLarge() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, "exec yes")
            let error = await expectError(
                provider(base, configuration: .init(maxAnswerBytes: 4096)), ["program": "./p.sh"])
            #expect(error?.errorClass == .invalid)
            #expect(error?.message.contains("too large") == true)
        }
    }

    @Test("large stderr output and a large request unread by the program do not deadlock")
    func largeStreams() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, #"head -c 300000 /dev/zero | tr '\0' x >&2; echo '{"id": "big"}'"#)
            let input = Value.string(String(repeating: "y", count: 500_000))
            let snapshot = try await create(provider(base), ["program": "./p.sh", "input": input])
            #expect(snapshot.id == "big")
        }
    }

    @Test("cancelling the call stops the program")
    func cancellation() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, "exec sleep 5")
            let command = provider(base)
            let started = ContinuousClock.now
            let call = Task { try await create(command, ["program": "./p.sh"]) }
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }

    @Test(
        "malformed args and env are invalid",
        arguments: [
            ["program": "./p.sh", "args": "not-a-list"] as [String: Value],
            ["program": "./p.sh", "args": [["nested"]]],
            ["program": "./p.sh", "env": ["A": ["x"]]],
            ["program": "./p.sh", "env": ["A=B": "x"]],
            ["args": ["x"]],
        ])
    func invalidProperties(properties: [String: Value]) async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.script("p.sh", in: base, Self.echoRequest)
            let error = await expectError(provider(base), properties)
            #expect(error?.errorClass == .invalid)
        }
    }
}
