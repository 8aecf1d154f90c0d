import Cairn
import Logging
import ServiceLifecycle

/// The glue between the library's ``ReconcileLoop`` and swift-service-lifecycle: the loop runs
/// as a `Service` in a `ServiceGroup` that turns SIGTERM and SIGINT into a graceful shutdown,
/// which asks the loop to stop after the pass in progress.
struct ReconcileService: Service {
    let loop: ReconcileLoop
    let stop = StopRequest()
    let onPass: @Sendable (ReconcileLoop.Pass) async -> Void

    func run() async throws {
        let stop = stop
        _ = await withGracefulShutdownHandler {
            await loop.run(stop: stop, onPass: onPass)
        } onGracefulShutdown: {
            stop.request()
        }
    }

    /// Runs `loop` (and `metrics`, when given) until SIGTERM or SIGINT; if either ends on its
    /// own, or fails, the other is shut down too.
    static func run(
        _ loop: ReconcileLoop, metrics: MetricsEndpoint? = nil,
        onPass: @escaping @Sendable (ReconcileLoop.Pass) async -> Void
    ) async throws {
        var logger = Logger(label: "cairn.reconcile")
        logger.logLevel = .warning
        // Services stop in reverse order: the endpoint, listed first, outlives the last pass.
        var services: [any Service] = metrics.map { [$0] } ?? []
        services.append(ReconcileService(loop: loop, onPass: onPass))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map {
                    .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
