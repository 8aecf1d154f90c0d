import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs one program from an argument vector (never through a shell), feeds it its input,
/// collects its output without deadlocking, and stops it when it takes too long.
///
/// Output is read on a thread of its own (blocking I/O must not hold a task of the shared
/// pool), stdin is a socket so that a program that exits without reading cannot raise
/// SIGPIPE in this process, and the timeout races the process on an injected clock.
struct Subprocess: Sendable {
    /// What to run.
    struct Invocation: Sendable {
        /// The absolute path of the executable.
        var executable: String
        var arguments: [String]
        var environment: [String: String]
        var workingDirectory: String
        /// The bytes written to the program's stdin, which is then closed.
        var input: Data
    }

    /// How long and how much.
    struct Limits: Sendable {
        var timeout: Duration
        /// How long a program may take to stop after SIGTERM before it gets SIGKILL.
        var terminationGrace: Duration
        /// The most stdout bytes kept; more makes the run fail with `outputTooLarge`.
        var maxOutputBytes: Int
        /// The most stderr bytes kept (the last ones).
        var maxErrorBytes: Int = 64 * 1024
    }

    /// How the program ended.
    struct Termination: Sendable, Hashable {
        /// The exit status, or the signal number when `signalled`.
        var status: Int32
        var signalled: Bool
    }

    /// What the program did.
    struct Output: Sendable {
        var termination: Termination
        var stdout: Data
        var stderr: Data
    }

    /// Why a run produced no usable output.
    enum Failure: Error, Sendable {
        /// The program did not start; `code` is the errno behind it, when known.
        case couldNotStart(String, code: Int32?)
        case timedOut
        case outputTooLarge
    }

    private enum Event: Sendable {
        case exited(Termination)
        case pumped(Pump.Result)
        case timerFired
        case timerCancelled
        case graceOver
    }

    /// Runs `invocation` to its end, or stops it (SIGTERM, then SIGKILL after the grace
    /// period, sent to its process group) when it times out, floods stdout, or the calling
    /// task is cancelled. Throws ``Failure`` or `CancellationError`.
    static func run(_ invocation: Invocation, limits: Limits, clock: any Clock<Duration>) async throws -> Output {
        let channels: Pump.Channels
        do { channels = try Pump.Channels() } catch { throw Failure.couldNotStart("\(error)", code: errorCode(error)) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: invocation.executable)
        process.arguments = invocation.arguments
        process.environment = invocation.environment
        process.currentDirectoryURL = URL(fileURLWithPath: invocation.workingDirectory, isDirectory: true)
        process.standardInput = FileHandle(fileDescriptor: channels.stdinChild, closeOnDealloc: false)
        process.standardOutput = FileHandle(fileDescriptor: channels.stdoutChild, closeOnDealloc: false)
        process.standardError = FileHandle(fileDescriptor: channels.stderrChild, closeOnDealloc: false)
        let exited = OneShot<Termination>()
        process.terminationHandler = { process in
            exited.fulfil(
                Termination(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal))
        }
        do {
            try process.run()
        } catch {
            channels.closeChildEnds()
            channels.closeParentEnds()
            let code = errorCode(error)
            throw Failure.couldNotStart(code.map { String(cString: strerror($0)) } ?? "\(error)", code: code)
        }
        channels.closeChildEnds()
        let pid = process.processIdentifier

        let pumped = OneShot<Pump.Result>()
        let pump = Pump(channels: channels, input: invocation.input, limits: limits)
        Thread { pumped.fulfil(pump.run()) }.start()

        var termination: Termination?
        var result: Pump.Result?
        var timedOut = false
        var cancelled = false
        await withTaskGroup(of: Event.self) { group in
            group.addTask { .exited(await exited.value()) }
            group.addTask { .pumped(await pumped.value()) }
            group.addTask {
                do {
                    try await clock.sleep(for: limits.timeout)
                    return .timerFired
                } catch {
                    return .timerCancelled
                }
            }
            while let event = await group.next() {
                switch event {
                case .exited(let t):
                    termination = t
                    if result == nil { channels.finishPump() }
                case .pumped(let r):
                    result = r
                    if r.overflowed, termination == nil { signal(pid, SIGKILL) }
                case .timerFired where termination == nil:
                    timedOut = true
                    signal(pid, SIGTERM)
                    group.addTask {
                        try? await clock.sleep(for: limits.terminationGrace)
                        return .graceOver
                    }
                case .timerCancelled where termination == nil:
                    cancelled = true
                    signal(pid, SIGKILL)
                case .graceOver where termination == nil:
                    signal(pid, SIGKILL)
                case .timerFired, .timerCancelled, .graceOver:
                    break
                }
                if termination != nil, result != nil { break }
            }
            group.cancelAll()
        }
        channels.closeControl()
        withExtendedLifetime(process) {}

        if cancelled { throw CancellationError() }
        if timedOut { throw Failure.timedOut }
        guard let termination, let result else { throw CancellationError() }
        if result.overflowed { throw Failure.outputTooLarge }
        return Output(termination: termination, stdout: result.stdout, stderr: result.stderr)
    }

    /// The POSIX error code inside a Foundation or setup error, if there is one.
    private static func errorCode(_ error: any Error) -> Int32? {
        if let failure = error as? POSIXFailure { return failure.code }
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError { return errorCode(underlying) }
        return nil
    }

    /// Sends `sig` to the program's process group (Foundation starts each program in a group
    /// of its own, so this reaches what it started too), or to the program alone otherwise.
    private static func signal(_ pid: Int32, _ sig: Int32) {
        if getpgid(pid) == pid {
            kill(-pid, sig)
        } else {
            kill(pid, sig)
        }
    }
}
