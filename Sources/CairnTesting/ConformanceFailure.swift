/// Thrown by a conformance check when the implementation under test breaks the contract.
///
/// A plain error rather than a test-framework assertion, so that the checks can be called
/// from Swift Testing, XCTest or a command-line tool alike.
public struct ConformanceFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The contract checked, e.g. `StateStore`.
    public var suite: String
    /// The check that failed, e.g. `leaseConflict`.
    public var check: String
    /// What was expected and what happened instead.
    public var message: String
    /// Where in the check the expectation is written.
    public var file: String
    /// The line of the expectation in `file`.
    public var line: Int

    /// Creates a failure of `check` in `suite`.
    public init(suite: String, check: String, message: String, file: String = #fileID, line: Int = #line) {
        self.suite = suite
        self.check = check
        self.message = message
        self.file = file
        self.line = line
    }

    /// One line naming the check and what went wrong.
    public var description: String { "\(suite) conformance check '\(check)' failed: \(message) (\(file):\(line))" }
}
