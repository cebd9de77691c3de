import Foundation
import Logging
import PostgresNIO

/// Applies migrations in order, each in its own transaction, under an advisory lock so that
/// concurrent `buddi migrate` runs are safe; records name, checksum and time in
/// `schema_migrations`.
public struct Migrator: Sendable {
    /// The advisory lock key ("buddi mig").
    static let lockKey: Int64 = 0x6275_6464_695F_6D69

    let client: PostgresClient
    let migrations: [Migration]
    let logger: Logger

    /// A migrator for `migrations` (by default those bundled with this build).
    public init(client: PostgresClient, migrations: [Migration], logger: Logger) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
    }

    /// One migration's state in a database.
    public struct Status: Sendable, Equatable {
        public let version: Int
        public let name: String
        /// When it was applied; nil when pending.
        public let appliedAt: Date?
        /// False when the applied file has changed since.
        public let checksumMatches: Bool
        /// The checksum recorded when it was applied.
        public let appliedChecksum: String?
        /// True for a migration the database has but this build does not.
        public let unknown: Bool
    }

    private struct Applied {
        let name: String
        let checksum: String
        let appliedAt: Date
    }

    /// Every migration, applied or pending, and any the database has that this build lacks.
    public func status() async throws -> [Status] {
        let applied = try await client.withConnection { try await appliedMigrations(on: $0) }
        var statuses = migrations.map { migration in
            let record = applied[migration.version]
            return Status(
                version: migration.version, name: migration.name, appliedAt: record?.appliedAt,
                checksumMatches: record.map { $0.checksum == migration.checksum } ?? true,
                appliedChecksum: record?.checksum, unknown: false)
        }
        let known = Set(migrations.map(\.version))
        for (version, record) in applied where !known.contains(version) {
            statuses.append(Status(
                version: version, name: record.name, appliedAt: record.appliedAt, checksumMatches: true,
                appliedChecksum: record.checksum, unknown: true))
        }
        return statuses.sorted { $0.version < $1.version }
    }

    /// Throws unless every migration is applied unchanged and there is none unknown.
    public func checkCurrent() async throws {
        let statuses = try await status()
        let migrationsByVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        if let changed = statuses.first(where: { !$0.checksumMatches }), let file = migrationsByVersion[changed.version] {
            throw DatabaseError.checksumMismatch(migration: changed.name, applied: changed.appliedChecksum ?? "", file: file.checksum)
        }
        let unknown = statuses.filter(\.unknown).map(\.name)
        if !unknown.isEmpty { throw DatabaseError.schemaAhead(unknown: unknown) }
        let pending = statuses.filter { $0.appliedAt == nil }.map(\.name)
        if !pending.isEmpty { throw DatabaseError.schemaBehind(pending: pending) }
    }

    /// Applies the pending migrations; returns their names. A changed applied file is an error
    /// and nothing is applied.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await client.withConnection { connection in
            // Waiting for another process's migration, and a migration itself, may take longer
            // than the sessions' statement timeout, which is for ordinary work.
            try await connection.query("SET statement_timeout = 0", logger: logger)
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                try await connection.query("RESET statement_timeout", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                _ = try? await connection.query("RESET statement_timeout", logger: logger)
                throw error
            }
        }
    }

    private func apply(on connection: PostgresConnection) async throws -> [String] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        let applied = try await appliedMigrations(on: connection)
        for migration in migrations {
            if let record = applied[migration.version], record.checksum != migration.checksum {
                throw DatabaseError.checksumMismatch(migration: migration.name, applied: record.checksum, file: migration.checksum)
            }
        }
        var names: [String] = []
        for migration in migrations where applied[migration.version] == nil {
            logger.info("applying migration", metadata: ["migration": "\(migration.name)"])
            do {
                try await connection.withTransaction(logger: logger) { transaction in
                    // A migration may rewrite a large table: the sessions' statement timeout is for ordinary work.
                    try await transaction.query("SET LOCAL statement_timeout = 0", logger: logger)
                    for statement in SQLScript.statements(in: migration.sql) {
                        try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await transaction.query(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                        logger: logger)
                }
            } catch let error as PostgresTransactionError {
                let cause = error.closureError ?? error.commitError ?? error.beginError ?? error
                throw DatabaseError.migrationFailed(migration: migration.name, reason: DatabaseProbe.reason(cause))
            }
            names.append(migration.name)
        }
        return names
    }

    private func appliedMigrations(on connection: PostgresConnection) async throws -> [Int: Applied] {
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        for try await present in exists.decode(Bool.self) where !present { return [:] }
        var applied: [Int: Applied] = [:]
        let rows = try await connection.query("SELECT version, name, checksum, applied_at FROM schema_migrations", logger: logger)
        for try await (version, name, checksum, appliedAt) in rows.decode((Int32, String, String, Date).self) {
            applied[Int(version)] = Applied(name: name, checksum: checksum, appliedAt: appliedAt)
        }
        return applied
    }
}
