import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Sends spans to an OpenTelemetry collector over OTLP/HTTP (protobuf), configured by the
/// standard `OTEL_*` environment variables (`OTEL_EXPORTER_OTLP_ENDPOINT`,
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_SERVICE_NAME`,
/// `OTEL_TRACES_SAMPLER`, ...). Spans are batched in the background; ``shutdown()`` exports
/// what is pending and stops, so a short-lived command loses nothing.
///
/// Only the `cairn` command line links this module (it brings swift-otel, SwiftNIO and an
/// HTTP client); the `Cairn` library traces through swift-distributed-tracing alone.
public final class OTLPTraceExport: Sendable {
    /// The tracer to install with `InstrumentationSystem.bootstrap`.
    public let tracer: any Tracer
    private let group: ServiceGroup
    private let running: Task<Void, Never>

    private init(tracer: any Tracer, group: ServiceGroup, running: Task<Void, Never>) {
        self.tracer = tracer
        self.group = group
        self.running = running
    }

    /// Starts the exporter. `diagnostics` receives the exporter's own problems (an unreachable
    /// collector, say); they never fail a run. Throws when the `OTEL_*` configuration is invalid.
    public static func start(serviceName: String = "cairn", diagnostics: Logger) throws -> OTLPTraceExport {
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.diagnosticLogger = .custom(diagnostics)
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [backend.service], logger: diagnostics))
        let running = Task {
            do {
                try await group.run()
            } catch {
                diagnostics.warning("the OTLP trace exporter stopped", metadata: ["error": "\(error)"])
            }
        }
        return OTLPTraceExport(tracer: backend.factory, group: group, running: running)
    }

    /// Exports the spans still pending, then stops the exporter. Call once, before exiting.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        await running.value
    }
}
