import Foundation
import Logging
import OTel
import PostgresResilience
import ServiceLifecycle
import Tracing

/// Distributed tracing for the long-running commands (`worker`, `scheduler`, `serve`, `demo`):
/// OpenTelemetry spans exported over OTLP/HTTP, configured as every OpenTelemetry SDK is, by
/// the standard `OTEL_*` variables, and off unless an OTLP endpoint is set.
///
/// ```sh
/// OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 OTEL_TRACES_SAMPLER=parentbased_traceidratio \
///     OTEL_TRACES_SAMPLER_ARG=0.01 buddi worker
/// ```
package enum BuddiTracing {
    /// Whether `environment` turns tracing on: an OTLP endpoint is set, and neither
    /// `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none` turns it off.
    package static func isRequested(by environment: [String: String]) -> Bool {
        let endpoint = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]
            .contains { !(environment[$0] ?? "").isEmpty }
        let disabled = environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" || environment["OTEL_TRACES_EXPORTER"] == "none"
        return endpoint && !disabled
    }

    /// Runs `body` with tracing on when `environment` asks for it: the tracer is bootstrapped
    /// first (`OTEL_SERVICE_NAME` or `serviceName` names the process), and the spans still queued
    /// are exported once `body` returns. A collector that cannot be reached is logged once.
    package static func run<Result: Sendable>(
        serviceName: String, environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger,
        _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        guard isRequested(by: environment) else { return try await body() }
        try TracingSettings.check(environment)
        return try await withServicesRunning([try bootstrap(serviceName: serviceName, logger: logger)], logger: logger, body)
    }

    /// Bootstraps the tracer; OpenTelemetry reads the process's `OTEL_*` variables itself.
    private static func bootstrap(serviceName: String, logger: Logger) throws -> some Service {
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogger = .custom(TraceExportLog.logger(logger))
        configuration.diagnosticLogLevel = .warning
        let backend = try Result { try OTel.makeTracingBackend(configuration: configuration) }
            .mapError { TracingConfigurationError(reason: "\($0)") }.get()
        InstrumentationSystem.bootstrap(backend.factory)
        let environment = ProcessInfo.processInfo.environment
        logger.info("tracing on", metadata: [
            "service": "\(environment["OTEL_SERVICE_NAME"] ?? serviceName)",
            "sampler": "\(environment["OTEL_TRACES_SAMPLER"] ?? "parentbased_always_on")"])
        return backend.service
    }
}

/// The OTEL_* settings do not make a tracer.
struct TracingConfigurationError: Error, CustomStringConvertible {
    let reason: String
    var description: String { "tracing: the OTEL_* settings are not usable: \(reason)" }
}
