/// How one rollout wave went, as `apply --json` and the run's report show it.
public struct WaveReport: Sendable, Hashable {
    /// Where a wave ended up.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Every member finished, and no more failed than the threshold allows.
        case passed
        /// More members failed than the threshold allows: the run halted after this wave.
        case failed
        /// The wave started, and the run stopped before all its members finished.
        case incomplete
        /// The run stopped before the wave started.
        case notStarted = "not_started"
    }

    /// The fleet's name.
    public var fleet: String
    /// The wave's number, from 1.
    public var wave: Int
    /// How many members the wave changes.
    public var members: Int
    /// Members whose step succeeded.
    public var succeeded: Int
    /// Members whose step failed, or was skipped because a step it depends on failed.
    public var failed: Int
    /// Members whose step never ran.
    public var notRun: Int
    /// How many failures the wave tolerates (`max_failures` for its size).
    public var allowedFailures: Int
    /// Where the wave ended up.
    public var status: Status

    /// A wave's report.
    public init(
        fleet: String, wave: Int, members: Int, succeeded: Int, failed: Int, notRun: Int, allowedFailures: Int,
        status: Status
    ) {
        self.fleet = fleet
        self.wave = wave
        self.members = members
        self.succeeded = succeeded
        self.failed = failed
        self.notRun = notRun
        self.allowedFailures = allowedFailures
        self.status = status
    }
}
