import Cairn
import Foundation

/// The behaviour every ``StateStore`` must show, as checks that any store can be run against.
///
/// Each check takes a fresh, empty store and throws ``ConformanceFailure`` when the store
/// breaks the contract (DESIGN.md invariants 6 and 7: one writer per stack, fenced by a
/// token; state moves only forward). Call ``runAll(makeStore:)`` from any test framework, or
/// run the ``checks`` one by one (a parameterized test gives one result per check):
///
/// ```swift
/// @Test(arguments: StoreConformance.checks)
/// func conforms(_ check: StoreConformance.Check) async throws {
///     try await check.run(try MyStore())
/// }
/// ```
public enum StoreConformance {
    /// One named check of the contract.
    public struct Check: Sendable, CustomStringConvertible {
        /// The check's name, e.g. `leaseConflict`.
        public let name: String
        /// Runs the check against a fresh, empty store; throws ``ConformanceFailure`` on a violation.
        public let run: @Sendable (any StateStore) async throws -> Void

        /// Creates a check.
        public init(name: String, run: @escaping @Sendable (any StateStore) async throws -> Void) {
            self.name = name
            self.run = run
        }

        /// The check's name.
        public var description: String { name }
    }

    /// Every check, in a sensible reading order.
    public static let checks: [Check] = [
        Check(name: "emptyStack", run: emptyStack),
        Check(name: "eventsInSequence", run: eventsInSequence),
        Check(name: "stateChanges", run: stateChanges),
        Check(name: "runsNewestFirst", run: runsNewestFirst),
        Check(name: "leaseConflict", run: leaseConflict),
        Check(name: "takeoverWhenExpired", run: takeoverWhenExpired),
        Check(name: "takeoverWhenAllowed", run: takeoverWhenAllowed),
        Check(name: "fencingTokenIncreases", run: fencingTokenIncreases),
        Check(name: "renewAfterTakeoverIsFencedOff", run: renewAfterTakeoverIsFencedOff),
        Check(name: "staleCommitWritesNothing", run: staleCommitWritesNothing),
        Check(name: "releaseThenAcquire", run: releaseThenAcquire),
        Check(name: "breakLeaseFencesOldHolder", run: breakLeaseFencesOldHolder),
        Check(name: "parallelCommits", run: parallelCommits),
    ]

    /// Runs every check, each against a new store from `makeStore`.
    ///
    /// Throws the ``ConformanceFailure`` of the only failed check, or one that lists every
    /// failed check when several fail. Errors other than failures (the store threw where it
    /// should not) are reported as failures of their check.
    public static func runAll(makeStore: () async throws -> any StateStore) async throws {
        var failures: [ConformanceFailure] = []
        for check in checks {
            do {
                try await check.run(try await makeStore())
            } catch let failure as ConformanceFailure {
                failures.append(failure)
            } catch {
                failures.append(
                    ConformanceFailure(suite: suite, check: check.name, message: "unexpected error: \(error)"))
            }
        }
        if failures.count == 1 { throw failures[0] }
        if failures.count > 1 {
            throw ConformanceFailure(
                suite: suite, check: "\(failures.count) of \(checks.count) checks",
                message: failures.map { "\n  - \($0)" }.joined())
        }
    }

    static let suite = "StateStore"
}

// MARK: - Expectations and fixtures shared by the checks

extension StoreConformance {
    /// Turns failed expectations into ``ConformanceFailure``s naming the check.
    struct Expect {
        let check: String

        func failure(_ message: String, _ file: String, _ line: Int) -> ConformanceFailure {
            ConformanceFailure(suite: StoreConformance.suite, check: check, message: message, file: file, line: line)
        }

        func that(_ condition: Bool, _ message: @autoclosure () -> String, file: String = #fileID, line: Int = #line)
            throws
        {
            if !condition { throw failure(message(), file, line) }
        }

        func equal<T: Equatable>(
            _ actual: T, _ expected: T, _ what: String, file: String = #fileID, line: Int = #line
        ) throws {
            if actual != expected { throw failure("\(what): expected \(expected), got \(actual)", file, line) }
        }

        /// Runs `body`, which must throw an `E`; returns the error.
        func error<E: Error>(
            _ errorType: E.Type, _ what: String, file: String = #fileID, line: Int = #line,
            _ body: () async throws -> Void
        ) async throws -> E {
            do {
                try await body()
            } catch let error as E {
                return error
            } catch {
                throw failure("\(what): expected \(E.self), got \(type(of: error)): \(error)", file, line)
            }
            throw failure("\(what): expected \(E.self) to be thrown, but the call succeeded", file, line)
        }
    }

    /// A fixed instant with a fraction that every store can keep exactly (milliseconds).
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000.25)

    static func at(_ seconds: Double) -> Date { epoch.addingTimeInterval(seconds) }

    static func request(
        _ holder: String, stack: String, at seconds: Double, duration: Duration = .seconds(30),
        mayTakeOver: @escaping @Sendable (Lease) -> Bool = { _ in false }
    ) -> LeaseRequest {
        LeaseRequest(
            stack: stack, holder: holder, host: "host-\(holder)", pid: Int32(1000 + holder.count), now: at(seconds),
            duration: duration, mayTakeOver: mayTakeOver)
    }

    static func resource(_ address: String, id: String? = nil, size: Value = 1) -> RecordedResource {
        RecordedResource(
            address: address, type: "test.thing", id: id ?? "id-\(address)",
            properties: [
                "size": size, "ratio": .double(2.0), "fraction": .double(0.1), "negative": .int(-3),
                "name": "quote \" backslash \\ newline \n tab \t unicode é 🪨", "nothing": .null, "on": true,
                "nested": ["list": [1, "two", .double(3.5), ["deep": false]], "empty": .map([:])],
            ],
            outputs: ["arn": .string("sim:\(address)"), "ports": [80, 443]],
            dependencies: ["net", "subnet"], idempotencyKey: "key-\(address)",
            lifecycle: .init(preventDestroy: true, compensate: false))
    }

    static func event(
        _ runID: String, _ kind: JournalEvent.Kind, at seconds: Double, address: String? = nil
    ) -> JournalEvent {
        JournalEvent(
            runID: runID, time: at(seconds), kind: kind, address: address, action: address.map { _ in "create" },
            idempotencyKey: address.map { "key-\($0)" }, attempt: address.map { _ in 2 },
            status: kind == .outcome ? "ok" : nil, errorClass: kind == .attempt ? "transient" : nil,
            message: kind == .attempt ? "HTTP 503, retrying" : nil,
            detail: kind == .outcome
                ? ["id": .string("id-\(address ?? "")"), "delay_ms": 250, "prior": ["a": [1, 2]]] : [:])
    }

    /// The events as stored, without the sequence numbers the store assigns.
    static func unsequenced(_ events: [JournalEvent]) -> [JournalEvent] {
        events.map {
            var e = $0
            e.sequence = 0
            return e
        }
    }
}
