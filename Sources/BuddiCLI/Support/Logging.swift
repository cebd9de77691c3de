import Foundation
import Logging

/// Logging for every command: to stderr, level from LOG_LEVEL (default info).
enum BuddiLogging {
    /// Bootstraps swift-log once per process and returns the root logger.
    static let root: Logger = {
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "buddi")
    }()
}

extension BuddiLogging {
    /// For benchmarks: warnings and worse only, so the figures are not drowned.
    static var quiet: Logger {
        var logger = root
        logger.logLevel = .warning
        return logger
    }
}
