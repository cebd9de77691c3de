import ArgumentParser
import Foundation
import Logging
import OTel
import Synchronization

/// Logging for every command, to stderr: human-readable lines, or JSON lines with
/// `--log-format json` (or BUDDI_LOG_FORMAT=json); the level from LOG_LEVEL (default info).
package enum BuddiLogging {
    /// The format asked for on the command line, before the first log line.
    package static let requestedFormat = Mutex<LogFormat?>(nil)

    /// Bootstraps swift-log once per process and returns the root logger.
    package static let root: Logger = {
        let level = BuddiEnvironment.current.logLevel ?? .info
        let format = requestedFormat.withLock { $0 }
            ?? BuddiEnvironment.current.logFormat.flatMap(LogFormat.init(rawValue:)) ?? .text
        // With tracing on, each line carries the trace and span it was written in.
        let traceIDs = BuddiTracing.isRequested(by: ProcessInfo.processInfo.environment) ? OTel.makeLoggingMetadataProvider() : nil
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label, metadataProvider: traceIDs)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: label, logLevel: level)
                handler.metadataProvider = traceIDs
                return handler
            }
        }
        return Logger(label: "buddi")
    }()
}

extension BuddiLogging {
    /// For benchmarks: warnings and worse only, so the figures are not drowned.
    package static var quiet: Logger { quiet(root) }

    /// `logger` at warning level.
    package static func quiet(_ logger: Logger) -> Logger {
        var logger = logger
        logger.logLevel = .warning
        return logger
    }
}

/// How log lines look.
package enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    /// `2026-11-29T03:45:18+0000 info buddi : key=value message`
    case text
    /// One JSON object per line, for journald and log shippers.
    case json
}

/// `--log-format text|json`, for the commands that run for a while.
package struct LoggingOptions: ParsableArguments {
    /// The options as parsed from the command line.
    package init() {}

    @Option(help: "Log lines as text or json (default: $BUDDI_LOG_FORMAT or text).")
    package var logFormat: LogFormat?

    /// The root logger, in the format asked for.
    package var logger: Logger {
        if let logFormat { BuddiLogging.requestedFormat.withLock { $0 = logFormat } }
        return BuddiLogging.root
    }
}
