import PostgresResilience
import Foundation
import Logging
import PostgresNIO

/// Applies sets of migrations in order — each set after the one before it, each migration in its
/// own transaction — and records name, checksum and time in each set's table.
///
/// Safe to run from several processes at once, and through a transaction-pooling PgBouncer:
/// every step takes a transaction-level advisory lock on its set's table name and checks again
/// what is applied before it acts, so no session state is assumed.
public struct Migrator: Sendable {
    let client: DatabaseClient
    let sets: [MigrationSet]
    let hint: String
    let logger: Logger

    /// A migrator for `sets`, applied in that order; `hint` ends the "not current" error (how an
    /// operator applies migrations).
    public init(client: DatabaseClient, sets: [MigrationSet], hint: String = "apply the pending migrations", logger: Logger) {
        self.client = client
        self.sets = sets
        self.hint = hint
        self.logger = logger
    }

    /// One migration's state in a database.
    public struct Status: Sendable, Equatable {
        /// The set's owner.
        public let owner: String
        public let version: Int
        /// The migration's name as messages say it (qualified by its owner, for a qualified set).
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

    /// Every migration of every set, applied or pending, and any the database has that this
    /// build lacks.
    public func status() async throws -> [Status] {
        var statuses: [Status] = []
        try await client.withConnection { connection in
            for set in sets {
                let applied = try await appliedMigrations(of: set, on: connection)
                var known = Set<Int>()
                var ofSet: [Status] = []
                for migration in set.migrations where known.insert(migration.version).inserted {
                    let record = applied[migration.version]
                    ofSet.append(Status(
                        owner: set.owner, version: migration.version, name: set.displayName(migration.name),
                        appliedAt: record?.appliedAt, checksumMatches: record.map { $0.checksum == migration.checksum } ?? true,
                        appliedChecksum: record?.checksum, unknown: false))
                }
                for (version, record) in applied where !known.contains(version) {
                    ofSet.append(Status(
                        owner: set.owner, version: version, name: set.displayName(record.name), appliedAt: record.appliedAt,
                        checksumMatches: true, appliedChecksum: record.checksum, unknown: true))
                }
                statuses += ofSet.sorted { $0.version < $1.version }
            }
        }
        return statuses
    }

    /// Throws unless every migration is applied unchanged and there is none unknown.
    public func checkCurrent() async throws {
        let statuses = try await status()
        if let changed = statuses.first(where: { !$0.checksumMatches }), let file = file(of: changed) {
            throw MigrationError.checksumMismatch(migration: changed.name, applied: changed.appliedChecksum ?? "", file: file.checksum)
        }
        let unknown = statuses.filter(\.unknown).map(\.name)
        if !unknown.isEmpty { throw MigrationError.schemaAhead(unknown: unknown) }
        let pending = statuses.filter { $0.appliedAt == nil }.map(\.name)
        if !pending.isEmpty { throw MigrationError.schemaBehind(pending: pending, hint: hint) }
    }

    private func file(of status: Status) -> Migration? {
        guard let set = sets.first(where: { $0.owner == status.owner }) else { return nil }
        return set.migrations.first { $0.version == status.version }
    }

    /// Applies what is pending; returns the names of the migrations it ran. A changed applied
    /// file is an error and nothing is applied.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await client.withConnection { connection in
            for set in sets {
                try await createTable(of: set, on: connection)
                let records = try await appliedMigrations(of: set, on: connection)
                for migration in set.migrations {
                    if let record = records[migration.version], record.checksum != migration.checksum {
                        throw MigrationError.checksumMismatch(
                            migration: set.displayName(migration.name), applied: record.checksum, file: migration.checksum)
                    }
                }
            }
            var ran: [String] = []
            for set in sets {
                for migration in set.migrations where try await apply(migration, of: set, on: connection) {
                    ran.append(set.displayName(migration.name))
                }
            }
            return ran
        }
    }

    private func createTable(of set: MigrationSet, on connection: PostgresConnection) async throws {
        try await locked(set, on: connection) { transaction in
            try await transaction.query(PostgresQuery(unsafeSQL: """
                CREATE TABLE IF NOT EXISTS \(set.table) (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """), logger: logger)
        }
    }

    /// Applies one migration unless it is applied already; returns whether it ran.
    private func apply(_ migration: Migration, of set: MigrationSet, on connection: PostgresConnection) async throws -> Bool {
        do {
            return try await locked(set, on: connection) { transaction in
                let present = try await transaction.query(
                    PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(set.table) WHERE version = \(migration.version)"), logger: logger)
                for try await count in present.decode(Int64.self) where count > 0 { return false }
                logger.info("applying migration", metadata: ["migration": "\(set.displayName(migration.name))"])
                for statement in SQLScript.statements(in: migration.sql) {
                    try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                var record = PostgresQuery(unsafeSQL: "INSERT INTO \(set.table) (version, name, checksum) VALUES ($1, $2, $3)")
                try record.binds.append(Int32(migration.version), context: .default)
                try record.binds.append(migration.name, context: .default)
                try record.binds.append(migration.checksum, context: .default)
                try await transaction.query(record, logger: logger)
                return true
            }
        } catch let error as PostgresTransactionError {
            let cause = error.closureError ?? error.commitError ?? error.beginError ?? error
            throw MigrationError.migrationFailed(migration: set.displayName(migration.name), reason: Self.reason(cause))
        }
    }

    /// Runs `body` in a transaction holding the set's advisory lock, with no statement timeout (a
    /// migration may rewrite a large table, and waiting for another process's may take long).
    private func locked<T: Sendable>(
        _ set: MigrationSet, on connection: PostgresConnection, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.withTransaction(logger: logger) { transaction in
            try await transaction.query("SET LOCAL statement_timeout = 0", logger: logger)
            try await transaction.query("SELECT pg_advisory_xact_lock(hashtext(\(set.table)))", logger: logger)
            return try await body(transaction)
        }
    }

    private func appliedMigrations(of set: MigrationSet, on connection: PostgresConnection) async throws -> [Int: Applied] {
        let exists = try await connection.query("SELECT to_regclass(\(set.table)) IS NOT NULL", logger: logger)
        for try await present in exists.decode(Bool.self) where !present { return [:] }
        var applied: [Int: Applied] = [:]
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT version, name, checksum, applied_at FROM \(set.table)"), logger: logger)
        for try await (version, name, checksum, appliedAt) in rows.decode((Int32, String, String, Date).self) {
            applied[Int(version)] = Applied(name: name, checksum: checksum, appliedAt: appliedAt)
        }
        return applied
    }

    /// The server's own message for a failed statement, or the error's description.
    static func reason(_ error: any Error) -> String {
        (error as? PSQLError)?.serverInfo?[.message] ?? String(describing: error)
    }
}
