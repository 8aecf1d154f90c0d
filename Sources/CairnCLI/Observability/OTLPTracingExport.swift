#if OTLP
import CairnOTel
import Foundation
import Logging
import Tracing

/// The OTLP exporter of the `CairnOTel` module, as the CLI's ``TracingExport``.
struct OTLPTracingExport: TracingExport {
    let export: OTLPTraceExport

    var tracer: any Tracer { export.tracer }

    func shutdown() async { await export.shutdown() }

    /// Starts exporting to the collector the `OTEL_*` variables name.
    static func start(environment: [String: String]) throws -> OTLPTracingExport {
        var diagnostics = Logger(label: "cairn.otel") { _ in HumanLogHandler(sink: .standardError, level: .warning) }
        diagnostics.logLevel = .warning
        do {
            return OTLPTracingExport(export: try OTLPTraceExport.start(diagnostics: diagnostics))
        } catch {
            throw UsageError("the OTEL_* settings do not describe a usable OTLP exporter: \(error)")
        }
    }
}
#endif
