import BuddiAPI
import BuddiPipeline
import Foundation
import Logging
import PostgresServer

/// Everything a buddi process takes from its environment, in one place: the variables are read
/// once, when the process starts (the one read of configuration; besides it, only the embedded
/// cluster's plumbing looks at `BUDDI_POSTGRES_BIN`, and children inherit the environment
/// scrubbed), and each setting is parsed by the library it belongs to, with a one-line error
/// naming the variable.
///
/// A process checks what it needs with ``check(_:)`` before it starts anything, so that a bad
/// setting stops it at once instead of when it is first used.
///
/// Why not apple/swift-configuration (1.x is in the package mirror): its providers (environment,
/// files, CLI) and access reporting are more than buddi's dozen variables need, while its typed
/// readers would not give the bounds, units and messages each setting has (a statement timeout of
/// 0 meaning none, a token from a file *or* a variable but not both, `PGSSL*` only for what the
/// URL does not say). The parsers stay with their libraries, which take a plain dictionary and so
/// stay testable; this type is the one read and the one validation.
package struct BuddiEnvironment: Sendable {
    /// The variables.
    package let variables: [String: String]

    /// The process's environment, read once.
    package static let current = BuddiEnvironment(ProcessInfo.processInfo.environment)

    /// An environment of these variables (a test's, say).
    package init(_ variables: [String: String]) {
        self.variables = variables
    }

    /// What a process may need from the environment.
    package enum Setting: Sendable, CaseIterable {
        /// DATABASE_URL (with PGSSL*), BUDDI_STATEMENT_TIMEOUT_SECONDS.
        case database
        /// BUDDI_API_*, BUDDI_MAX_* (the Buddi API client).
        case api
        /// SCHEDULER_FETCH_INTERVAL_HOURS, SCHEDULER_MAX_CONVERSATIONS_PER_FETCH.
        case scheduler
        /// OTEL_* (``TracingSettings``).
        case tracing
    }

    /// Parses every setting in `settings`; throws the first problem, in one line.
    package func check(_ settings: Set<Setting>) throws {
        for setting in Setting.allCases where settings.contains(setting) {
            switch setting {
            case .database:
                _ = try sessionLimits()
                if let databaseURL { _ = try DatabaseURL(databaseURL, environment: variables) }
            case .api: _ = try api()
            case .scheduler: _ = try scheduler()
            case .tracing:
                do { try TracingSettings.check(variables) } catch { throw CLIError(description: error.description) }
            }
        }
    }

    /// `name`'s value, unless unset or empty.
    private func value(_ name: String) -> String? {
        variables[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// DATABASE_URL: nil means the embedded cluster.
    package var databaseURL: String? { value("DATABASE_URL") }

    /// The embedded cluster's data directory: BUDDI_DATA_DIR, else `./.buddi/postgres`.
    package var dataDirectory: String { value("BUDDI_DATA_DIR") ?? ".buddi/postgres" }

    /// BUDDI_API_KEY, for the simulator to require.
    package var apiKey: String? { value("BUDDI_API_KEY") }

    /// LOG_LEVEL (default info), and whether it was set.
    package var logLevel: Logger.Level? { value("LOG_LEVEL").flatMap { Logger.Level(rawValue: $0.lowercased()) } }

    /// BUDDI_LOG_FORMAT, as given.
    package var logFormat: String? { value("BUDDI_LOG_FORMAT")?.lowercased() }

    /// The limits every session sets (BUDDI_STATEMENT_TIMEOUT_SECONDS).
    package func sessionLimits() throws -> SessionLimits {
        try SessionLimits.fromEnvironment(variables)
    }

    /// The database URL parsed, with PGSSL* for what it does not say; nil for the embedded cluster.
    package func parsedDatabaseURL() throws -> DatabaseURL? {
        try databaseURL.map { try DatabaseURL($0, environment: variables) }
    }

    /// The Buddi API client's configuration.
    package func api() throws -> BuddiAPIConfiguration {
        try BuddiAPIConfiguration.fromEnvironment(variables)
    }

    /// The scheduler's defaults.
    package func scheduler() throws -> SchedulerDefaults {
        try SchedulerDefaults.fromEnvironment(variables)
    }
}
