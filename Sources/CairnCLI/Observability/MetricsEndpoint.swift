import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// Serves `GET /metrics` (Prometheus text) for long-lived commands (`cairn reconcile --watch
/// --metrics-port N`), as a `Service` that closes its socket on graceful shutdown.
///
/// Built on SwiftNIO's HTTP/1.1 server pipeline: every request is answered from the registry at
/// the moment it arrives; `HEAD /metrics` gets the headers alone, another method on `/metrics`
/// gets 405 and any other path 404. It binds loopback by default: Prometheus scrapes from the
/// same machine or through a tunnel, and nothing else listens.
struct MetricsEndpoint: Service {
    private let channel: any Channel

    /// Binds the socket (before anything else starts, so that a taken port fails the command
    /// at once, exit 2). With port 0 the system picks a free port; ``url`` says which.
    static func bind(registry: PrometheusCollectorRegistry, port: Int, host: String = "127.0.0.1") async throws
        -> MetricsEndpoint
    {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { child in
                    child.eventLoop.makeCompletedFuture {
                        // A client that connects and says nothing is dropped after 10 s.
                        try child.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .seconds(10)))
                        try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try child.pipeline.syncOperations.addHandler(MetricsRequestHandler(registry: registry))
                    }
                }
                .bind(host: host, port: port).get()
            return MetricsEndpoint(channel: channel)
        } catch let error as IOError {
            throw UsageError(
                "cannot serve /metrics on \(host):\(port): \(String(cString: strerror(error.errnoCode))); "
                    + "pick another --metrics-port (0 lets the system choose)")
        } catch {
            throw UsageError("cannot serve /metrics on \(host):\(port): \(error)")
        }
    }

    /// Where the metrics are served.
    var url: String {
        let address = channel.localAddress
        return "http://\(address?.ipAddress ?? "127.0.0.1"):\(address?.port ?? 0)/metrics"
    }

    /// Serves until graceful shutdown, then closes the socket.
    func run() async throws {
        let channel = channel
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// Answers one HTTP request per connection from the registry, then closes the connection; a
/// connection idle for 10 s is closed.
private final class MetricsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private var request: HTTPRequestHead?
    /// One answer per connection: requests pipelined after the first are ignored.
    private var answered = false

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break
        case .end:
            guard let head = request, !answered else { return }
            request = nil
            answered = true
            respond(to: head, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let status: HTTPResponseStatus
        let body: String
        var headers = HTTPHeaders()
        if path != "/metrics" {
            (status, body) = (.notFound, "not found: metrics are served at /metrics\n")
        } else if head.method != .GET && head.method != .HEAD {
            (status, body) = (.methodNotAllowed, "only GET and HEAD are served\n")
            headers.add(name: "Allow", value: "GET, HEAD")
        } else {
            (status, body) = (.ok, registry.emitToString())
        }
        headers.add(name: "Content-Type", value: status == .ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
