import Foundation
import Tracing

/// A running trace exporter: the tracer to install, and how to flush and stop it.
protocol TracingExport: Sendable {
    /// The tracer that spans are started on.
    var tracer: any Tracer { get }
    /// Exports what is pending and stops; called once, before the process exits.
    func shutdown() async
}

/// Picks the trace exporter the environment asks for.
enum TracingExports {
    /// True when the standard OpenTelemetry variables ask for OTLP traces: an endpoint is set,
    /// the SDK is not disabled and the traces exporter is not `none`.
    static func isRequested(_ environment: [String: String]) -> Bool {
        let endpoint = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"]
        guard let endpoint, !endpoint.isEmpty else { return false }
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        if let exporter = environment["OTEL_TRACES_EXPORTER"]?.lowercased(), exporter != "otlp" { return false }
        return true
    }

    /// The OTLP exporter when the environment asks for one, or nil.
    static func make(environment: [String: String]) throws -> (any TracingExport)? {
        guard isRequested(environment) else { return nil }
        #if OTLP
        return try OTLPTracingExport.start(environment: environment)
        #else
        Terminal.standardError(
            "warning: OTEL_EXPORTER_OTLP_ENDPOINT is set, but this cairn was built without the OTLP trait; no traces are sent")
        return nil
        #endif
    }
}
