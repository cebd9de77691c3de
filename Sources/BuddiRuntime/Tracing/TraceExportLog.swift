import Logging
import Synchronization

/// The tracer's own diagnostics, each distinct message logged once (a collector that cannot be
/// reached fails every export, and is worth one warning, not one per batch of spans), and without
/// the request headers a bad `traceparent` came with (they hold tokens and cookies). The values
/// of `OTEL_*_HEADERS` never reach it: ``TracingSettings`` refuses what OpenTelemetry would warn about.
struct TraceExportLog: LogHandler {
    /// `logger`'s handler, saying each message once per process.
    static func logger(_ logger: Logger) -> Logger {
        var logger = logger
        logger.handler = TraceExportLog(base: logger.handler)
        return logger
    }

    private static let said = Mutex<Set<String>>([])

    var base: any LogHandler

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard Self.said.withLock({ $0.insert(event.message.description).inserted }) else { return }
        var event = event
        event.metadata?["carrier"] = nil
        if event.level >= .warning {
            event.metadata = (event.metadata ?? [:]).merging(["tracing": "said once: later occurrences are not logged"]) { $1 }
        }
        base.log(event: event)
    }
}
