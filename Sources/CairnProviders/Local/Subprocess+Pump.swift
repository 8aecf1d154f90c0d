import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension Subprocess {
    /// The I/O loop of one run: writes stdin, reads stdout and stderr as they come, with
    /// `poll`, on a thread of its own. It ends when both outputs reach their end, when
    /// stdout passes its limit, or when told to finish (the program exited: what it wrote
    /// is drained, and descendants that still hold the pipes are not waited for).
    struct Pump: Sendable {
        /// The file descriptors of one run.
        struct Channels: Sendable {
            var stdinParent: Int32, stdinChild: Int32
            var stdoutParent: Int32, stdoutChild: Int32
            var stderrParent: Int32, stderrChild: Int32
            var controlRead: Int32, controlWrite: Int32

            /// Opens stdin as a socket pair (so a write to a program that has gone fails with
            /// EPIPE instead of raising SIGPIPE) and stdout, stderr and the control channel
            /// as pipes, all close-on-exec; the parent's ends are non-blocking.
            init() throws {
                var made: [Int32] = []
                do {
                    let stdin = try Self.socketPair()
                    made += stdin
                    let stdout = try Self.pipePair()
                    made += stdout
                    let stderr = try Self.pipePair()
                    made += stderr
                    let control = try Self.pipePair()
                    made += control
                    (stdinParent, stdinChild) = (stdin[0], stdin[1])
                    (stdoutParent, stdoutChild) = (stdout[0], stdout[1])
                    (stderrParent, stderrChild) = (stderr[0], stderr[1])
                    (controlRead, controlWrite) = (control[0], control[1])
                    for fd in [stdinParent, stdoutParent, stderrParent, controlRead] {
                        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                    }
                } catch {
                    for fd in made { close(fd) }
                    throw error
                }
            }

            private static func socketPair() throws -> [Int32] {
                var fds: [Int32] = [0, 0]
                #if canImport(Darwin)
                    guard socketpair(AF_UNIX, SOCK_STREAM, 0, &fds) == 0 else { throw POSIXFailure(call: "socketpair") }
                    var on: Int32 = 1
                    _ = setsockopt(fds[0], SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
                    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
                #else
                    let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                    guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { throw POSIXFailure(call: "socketpair") }
                #endif
                return fds
            }

            private static func pipePair() throws -> [Int32] {
                // pipe2(O_CLOEXEC) is not visible to Swift on Glibc; the short window before
                // fcntl only matters to a process spawned meanwhile, and the pump does not
                // depend on end-of-file once the program has exited.
                var fds: [Int32] = [0, 0]
                guard pipe(&fds) == 0 else { throw POSIXFailure(call: "pipe") }
                for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
                return fds
            }

            /// Closes the ends the program got (once it has started, or failed to).
            func closeChildEnds() {
                for fd in [stdinChild, stdoutChild, stderrChild] { close(fd) }
            }

            /// Closes the parent's ends when no pump will run.
            func closeParentEnds() {
                for fd in [stdinParent, stdoutParent, stderrParent] { close(fd) }
                closeControl()
            }

            /// Tells the pump to drain what is buffered and finish.
            func finishPump() {
                var byte: UInt8 = 1
                _ = write(controlWrite, &byte, 1)
            }

            /// Closes the control channel, once the pump has finished.
            func closeControl() {
                close(controlRead)
                close(controlWrite)
            }
        }

        /// What the program wrote.
        struct Result: Sendable {
            var stdout = Data()
            var stderr = Data()
            /// stdout passed its limit; the rest was not read.
            var overflowed = false
        }

        var channels: Channels
        var input: Data
        var limits: Limits

        /// Runs the loop to its end and closes the parent's stdin, stdout and stderr ends.
        func run() -> Result {
            var result = Result()
            var written = 0
            var stdinOpen = true
            var stdoutOpen = true
            var stderrOpen = true
            defer {
                if stdinOpen { close(channels.stdinParent) }
                close(channels.stdoutParent)
                close(channels.stderrParent)
            }
            if input.isEmpty {
                close(channels.stdinParent)
                stdinOpen = false
            }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)

            while stdoutOpen || stderrOpen {
                var fds: [pollfd] = [pollfd(fd: channels.controlRead, events: Int16(POLLIN), revents: 0)]
                if stdoutOpen { fds.append(pollfd(fd: channels.stdoutParent, events: Int16(POLLIN), revents: 0)) }
                if stderrOpen { fds.append(pollfd(fd: channels.stderrParent, events: Int16(POLLIN), revents: 0)) }
                if stdinOpen { fds.append(pollfd(fd: channels.stdinParent, events: Int16(POLLOUT), revents: 0)) }
                guard poll(&fds, nfds_t(fds.count), -1) >= 0 else {
                    if errno == EINTR { continue }
                    break
                }
                for entry in fds where entry.revents != 0 {
                    switch entry.fd {
                    case channels.controlRead:
                        drain(&result, stdoutOpen: stdoutOpen, stderrOpen: stderrOpen, buffer: &buffer)
                        return result
                    case channels.stdinParent:
                        if !writeInput(from: &written) {
                            close(channels.stdinParent)
                            stdinOpen = false
                        }
                    case channels.stdoutParent:
                        stdoutOpen = readAvailable(
                            channels.stdoutParent, into: &result.stdout, buffer: &buffer, once: true)
                        if result.stdout.count > limits.maxOutputBytes {
                            result.overflowed = true
                            return result
                        }
                    default:
                        stderrOpen = readAvailable(
                            channels.stderrParent, into: &result.stderr, buffer: &buffer, once: true)
                        trimErrors(&result)
                    }
                }
            }
            return result
        }

        /// Writes what the socket takes; false once all is written or the program has gone.
        private func writeInput(from written: inout Int) -> Bool {
            #if canImport(Darwin)
                let flags: Int32 = 0
            #else
                let flags = Int32(MSG_NOSIGNAL)
            #endif
            let count = input.withUnsafeBytes { bytes in
                send(channels.stdinParent, bytes.baseAddress! + written, bytes.count - written, flags)
            }
            if count < 0 { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR }
            written += count
            return written < input.count
        }

        /// Reads from a non-blocking descriptor; false at its end. With `once`, one read only.
        private func readAvailable(_ fd: Int32, into data: inout Data, buffer: inout [UInt8], once: Bool) -> Bool {
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    data.append(contentsOf: buffer[..<count])
                    if once || data.count > limits.maxOutputBytes { return true }
                } else if count == 0 {
                    return false
                } else if errno == EINTR {
                    continue
                } else {
                    return errno == EAGAIN || errno == EWOULDBLOCK
                }
            }
        }

        /// After the program exited: takes what is still buffered, without waiting for more.
        private func drain(_ result: inout Result, stdoutOpen: Bool, stderrOpen: Bool, buffer: inout [UInt8]) {
            if stdoutOpen {
                _ = readAvailable(channels.stdoutParent, into: &result.stdout, buffer: &buffer, once: false)
                if result.stdout.count > limits.maxOutputBytes { result.overflowed = true }
            }
            if stderrOpen {
                var tail = Data()
                _ = readAvailable(channels.stderrParent, into: &tail, buffer: &buffer, once: false)
                result.stderr.append(tail)
                trimErrors(&result)
            }
        }

        private func trimErrors(_ result: inout Result) {
            if result.stderr.count > limits.maxErrorBytes {
                result.stderr = Data(result.stderr.suffix(limits.maxErrorBytes))
            }
        }
    }

    /// A failed system call while setting up a run.
    struct POSIXFailure: Error, CustomStringConvertible {
        var call: String
        var code: Int32 = errno

        var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
    }
}
