import Cairn
import Testing

@testable import CairnProviders

/// Fault profiles load from YAML, and a bad one says where and what is wrong.
@Suite("Fault profile: loading")
struct FaultProfileLoadingTests {
    static let designExample = """
        seed: 42
        latency: { min: 5ms, max: 40ms }
        rules:                          # first matching rule wins; probabilities per call
          - match: { type: sim.instance, operation: create }
            transient: 0.3              # retryable error (like HTTP 503)
            throttle: 0.1               # throttled, retry_after 200ms
            lost_response: 0.1          # the change is applied, then the call times out
          - match: { address: attach }
            permanent: true             # always fails, never retryable (like HTTP 400)
        partitions:
          - { after: 2s, duration: 3s } # every call fails as unreachable in this window
        read_lag: 300ms                 # reads may not see writes younger than this
        """

    @Test("the DESIGN.md example loads with every field")
    func designExampleLoads() throws {
        let profile = try FaultProfile.load(yaml: Self.designExample)
        #expect(profile.seed == 42)
        #expect(profile.latency == .init(min: .milliseconds(5), max: .milliseconds(40)))
        #expect(profile.rules.count == 2)
        let instanceRule = profile.rules[0]
        #expect(instanceRule.match == .init(type: "sim.instance", operation: .create))
        #expect(instanceRule.transient == 0.3)
        #expect(instanceRule.throttle == 0.1)
        #expect(instanceRule.lostResponse == 0.1)
        #expect(instanceRule.retryAfter == .milliseconds(200))
        #expect(instanceRule.permanent == false)
        #expect(profile.rules[1].match == .init(address: "attach"))
        #expect(profile.rules[1].permanent)
        #expect(profile.partitions == [.init(after: .seconds(2), duration: .seconds(3))])
        #expect(profile.readLag == .milliseconds(300))
        #expect(!profile.injectsNothing)
    }

    @Test("retry_after, a fixed latency and an empty profile")
    func smallerForms() throws {
        let profile = try FaultProfile.load(
            yaml: """
                latency: 10ms
                rules:
                  - throttle: 1
                    retry_after: 500ms
                """
        )
        #expect(profile.latency == .init(min: .milliseconds(10), max: .milliseconds(10)))
        #expect(profile.rules.first?.retryAfter == .milliseconds(500))
        #expect(profile.rules.first?.match == FaultProfile.Match())
        #expect(try FaultProfile.load(yaml: "") == .none)
        #expect(FaultProfile.none.injectsNothing)
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        var yaml: String
        var expected: String
        var line: Int?
        var testDescription: String { expected }
    }

    static let bad: [Bad] = [
        Bad(yaml: "seed: 1\nlatncy: 5ms\n", expected: "unknown key 'latncy' in the fault profile", line: 2),
        Bad(yaml: "seed: -1\n", expected: "seed must be a whole number", line: 1),
        Bad(yaml: "latency: { min: 5, max: 40ms }\n", expected: "latency.min: '5' is not a duration", line: 1),
        Bad(yaml: "latency: { min: 50ms, max: 40ms }\n", expected: "must not be longer than latency.max", line: 1),
        Bad(yaml: "rules:\n  - transient: 1.5\n", expected: "rules[0].transient: '1.5' is not a probability", line: 2),
        Bad(yaml: "rules:\n  - transient: 0.6\n    throttle: 0.6\n", expected: "add up to 1.2", line: 2),
        Bad(
            yaml: "rules:\n  - match: { operation: destroy }\n", expected: "operation 'destroy' is not an operation",
            line: 2
        ),
        Bad(yaml: "rules:\n  - match: { type: sim.vm }\n", expected: "'sim.vm' is not a simulated type", line: 2),
        Bad(yaml: "rules:\n  - match: { adress: vm }\n", expected: "unknown key 'adress' in rules[0].match", line: 2),
        Bad(yaml: "rules:\n  - permanent: maybe\n", expected: "rules[0].permanent must be true or false", line: 2),
        Bad(yaml: "partitions:\n  - { after: 2s }\n", expected: "partitions[0] needs 'duration'", line: 2),
        Bad(yaml: "read_lag: soon\n", expected: "read_lag: 'soon' is not a duration", line: 1),
        Bad(yaml: "rules: {}\n", expected: "rules must be a list", line: 1),
        Bad(yaml: "- 1\n", expected: "the fault profile must be a map", line: 1),
        Bad(yaml: "seed: [1\n", expected: "not valid YAML", line: nil),
    ]

    @Test("a bad profile is refused with the line and what to write instead", arguments: bad)
    func badProfiles(_ row: Bad) throws {
        do {
            _ = try FaultProfile.load(yaml: row.yaml, source: "faults.yaml")
            Issue.record("expected an error containing \(row.expected)")
        } catch let error as FaultProfile.LoadError {
            #expect(error.description.contains(row.expected), "\(error)")
            #expect(error.description.hasPrefix("faults.yaml:"))
            if let line = row.line { #expect(error.line == line, "\(error)") }
        }
    }

    @Test("a missing file is refused with its path")
    func missingFile() {
        #expect(throws: FaultProfile.LoadError.self) {
            try FaultProfile.load(contentsOfFile: "/nonexistent/faults.yaml")
        }
    }
}

/// The shared duration syntax of specs, fault profiles and flags.
@Suite("Duration parsing")
struct DurationParsingTests {
    static let good: [(String, Duration)] = [
        ("0", .zero), ("200ms", .milliseconds(200)), ("2s", .seconds(2)), ("1m", .seconds(60)), ("1h", .seconds(3600)),
        ("1.5s", .milliseconds(1500)), ("1m30s", .seconds(90)), ("250us", .microseconds(250)),
        ("10ns", .nanoseconds(10)),
        (" 300ms ", .milliseconds(300)), ("1d", .seconds(86400)),
    ]

    @Test("accepted forms", arguments: good)
    func accepted(_ text: String, _ expected: Duration) {
        #expect(Duration(parsing: text) == expected)
        #expect(Duration.parse(text) == expected)
    }

    @Test("refused forms", arguments: ["", "5", "ms", "5 ms", "-1s", "1y", "1.2.3s", "s5", "1e400s"])
    func refused(_ text: String) {
        #expect(Duration(parsing: text) == nil)
    }
}
