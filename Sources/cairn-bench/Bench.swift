import Cairn

/// The benchmarks of `cairn-bench`; each runs in its own process (see `scripts/bench.sh`) so
/// that the peak resident set size it reports belongs to that workload alone.
enum Bench {
    /// A benchmark whose workload did not do what it should: its figures would mean nothing.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Throws ``Failure`` saying `what` unless `condition` holds.
    static func expect(_ condition: Bool, _ what: String) throws {
        if !condition { throw Failure(description: "check failed: \(what)") }
    }

    /// Throws unless the run succeeded.
    static func expectSucceeded(_ result: RunResult) throws {
        let failures = result.failures.prefix(3).map { "\($0.address): \($0.message)" }.joined(separator: "; ")
        try expect(result.status == .succeeded, "the run should succeed, but it \(result.status.rawValue): \(failures)")
    }
}
