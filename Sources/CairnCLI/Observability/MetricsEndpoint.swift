import Foundation
import Prometheus
import ServiceLifecycle

/// Serves `GET /metrics` (Prometheus text) on a local port for long-lived commands
/// (`cairn reconcile --watch --metrics-port N`), as a `Service` that stops on graceful shutdown.
///
/// A deliberately small HTTP/1.1 server: one request per connection, answered from
/// `registry`; anything but `GET /metrics` gets 404. It binds `host` (loopback by default).
struct MetricsEndpoint: Service {
    let registry: PrometheusCollectorRegistry
    let port: Int
    var host = "127.0.0.1"

    /// Why the endpoint could not start.
    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    func run() async throws {
        let fd = try listen()
        let registry = registry
        let stopped = AsyncStream<Void>.makeStream()
        let thread = Thread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { break }
                Self.answer(client, registry: registry)
            }
            stopped.continuation.finish()
        }
        thread.start()
        await withGracefulShutdownHandler {
            for await _ in stopped.stream {}
        } onGracefulShutdown: {
            Glibc.shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    private func listen() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "cannot open a socket for /metrics") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            close(fd)
            throw StartError(description: "cannot serve /metrics on \(host):\(port): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// Reads one request from `client`, answers it and closes the connection.
    static func answer(_ client: Int32, registry: PrometheusCollectorRegistry) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 16_384 {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { break }
            request += buffer[0..<n]
            if request.count >= 4, request.suffix(4) == [13, 10, 13, 10] { break }
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(separator: " ")
        let found = line.count >= 2 && line[0] == "GET" && (line[1] == "/metrics" || line[1].hasPrefix("/metrics?"))
        let body = found ? registry.emitToString() : "not found: try /metrics\n"
        let head = "HTTP/1.1 \(found ? "200 OK" : "404 Not Found")\r\n"
            + "Content-Type: \(found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array((head + body).utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            sent += n
        }
    }
}
