import PostgresResilience
import Foundation
import Logging
import PostgresNIO

/// Reads and changes the shared settings row, creating it with the defaults on first use.
package struct SchedulerSettingsStore: Sendable {
    let client: DatabaseClient
    let defaults: SchedulerDefaults
    let logger: Logger

    /// The settings row of the database `client` connects to; `defaults` create it on first use.
    package init(client: DatabaseClient, defaults: SchedulerDefaults, logger: Logger) {
        self.client = client
        self.defaults = defaults
        self.logger = logger
    }

    /// The settings (created with the defaults if this is the first start).
    package func current() async throws -> SchedulerSettings {
        try await client.withConnection { try await current(on: $0) }
    }

    /// The settings, on the caller's connection.
    package func current(on connection: PostgresConnection) async throws -> SchedulerSettings {
        do {
            return try await Self.decodeOne(connection.query(SchedulerSQL.ensure(defaults), logger: logger))
        } catch SchedulerStoreError.settingsMissing {
            // Another process created the row after this statement's snapshot: read it now.
            return try await Self.decodeOne(connection.query(SchedulerSQL.ensure(defaults), logger: logger))
        }
    }

    /// Enables or disables scheduling; returns the settings after the change.
    package func setEnabled(_ enabled: Bool) async throws -> SchedulerSettings {
        try await update(enabled: enabled, fetchIntervalHours: nil, maxConversationsPerFetch: nil)
    }

    /// Changes the interval and/or the maximum per fetch, within bounds (an error names the
    /// setting otherwise, and nothing changes).
    package func configure(fetchIntervalHours: Int?, maxConversationsPerFetch: Int?) async throws -> SchedulerSettings {
        try SchedulerSettings.validate(fetchIntervalHours: fetchIntervalHours, maxConversationsPerFetch: maxConversationsPerFetch)
        return try await update(enabled: nil, fetchIntervalHours: fetchIntervalHours, maxConversationsPerFetch: maxConversationsPerFetch)
    }

    private func update(enabled: Bool?, fetchIntervalHours: Int?, maxConversationsPerFetch: Int?) async throws -> SchedulerSettings {
        try await client.withConnection { connection in
            _ = try await current(on: connection)
            return try await Self.decodeOne(connection.query(
                SchedulerSQL.update(enabled: enabled, fetchIntervalHours: fetchIntervalHours, maxConversationsPerFetch: maxConversationsPerFetch),
                logger: logger))
        }
    }

    private static func decodeOne(_ rows: PostgresRowSequence) async throws -> SchedulerSettings {
        for try await (enabled, hours, max, spacing, recovery, updatedAt) in rows.decode((Bool, Int32, Int32, Int32, Int32, Date).self) {
            return SchedulerSettings(
                enabled: enabled, fetchIntervalHours: Int(hours), maxConversationsPerFetch: Int(max),
                minFetchSpacingSeconds: Int(spacing), errorRecoverySeconds: Int(recovery), updatedAt: updatedAt)
        }
        throw SchedulerStoreError.settingsMissing
    }
}

/// The settings row could not be read back (it was deleted behind buddi's back).
enum SchedulerStoreError: Error, CustomStringConvertible {
    case settingsMissing
    var description: String { "the scheduler_settings row is missing; run `buddi config` to recreate it" }
}
