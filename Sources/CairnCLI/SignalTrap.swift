import Cairn
import Dispatch
import Foundation

/// SIGINT and SIGTERM during a run: the first stops scheduling and lets running steps finish
/// within a grace period (the run is recorded as interrupted, and `cairn resume` continues it);
/// a second one, or the end of the grace period, exits at once. Each journal write is one
/// transaction, so the journal is consistent either way.
final class SignalTrap {
    let stop = StopRequest()
    private let sources: [any DispatchSourceSignal]

    init(grace: Duration = .seconds(30)) {
        let stop = stop
        let queue = DispatchQueue(label: "cairn.signals")
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if stop.isRequested {
                    Observability.flushRecorders(waitingAtMost: .seconds(1))
                    Terminal.standardError("Stopping now. The run is recorded as unfinished: `cairn resume` or `cairn rollback`.")
                    exit(130)
                }
                stop.request()
                Terminal.standardError(
                    "Stopping: no new steps start; waiting up to \(grace) for running ones. Press Ctrl-C again to exit at once.")
                queue.asyncAfter(deadline: .now() + grace.timeInterval) {
                    Observability.flushRecorders(waitingAtMost: .seconds(1))
                    Terminal.standardError("Grace period over; exiting. `cairn resume` continues the run.")
                    exit(130)
                }
            }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
