/// What can go wrong finding, starting, reaching or migrating the database. Each message is one
/// line that names what was wrong; none contains a password.
public enum DatabaseError: Error, CustomStringConvertible, Equatable {
    /// DATABASE_URL does not parse.
    case invalidURL(String)
    /// The server could not be reached or refused us.
    case unreachable(target: String, reason: String)
    /// No PostgreSQL server binaries for the embedded cluster.
    case serverBinariesMissing(searched: [String])
    /// Creating, starting or stopping the embedded cluster failed.
    case embeddedClusterFailed(step: String, detail: String)
    /// Migrations not yet applied.
    case schemaBehind(pending: [String])
    /// The database has migrations this build does not know.
    case schemaAhead(unknown: [String])
    /// An applied migration's file changed since.
    case checksumMismatch(migration: String, applied: String, file: String)
    /// A migration file is malformed or misnamed.
    case invalidMigration(file: String, reason: String)
    /// A migration failed to apply; nothing of it was kept.
    case migrationFailed(migration: String, reason: String)
    /// A database setting from the environment is not valid; the text names it.
    case invalidSetting(String)

    public var description: String {
        switch self {
        case .invalidURL(let why):
            "DATABASE_URL is not a valid PostgreSQL URL: \(why)"
        case .unreachable(let target, let reason):
            "cannot reach PostgreSQL at \(target): \(reason)"
        case .serverBinariesMissing(let searched):
            "PostgreSQL server binaries (initdb, pg_ctl) not found in \(searched.joined(separator: ", ")); install postgresql-15 (apt-get install postgresql-15) or set BUDDI_POSTGRES_BIN"
        case .embeddedClusterFailed(let step, let detail):
            "embedded PostgreSQL: \(step) failed: \(detail)"
        case .schemaBehind(let pending):
            "the database schema is not current (pending: \(pending.joined(separator: ", "))); run `buddi migrate`, or pass --migrate"
        case .schemaAhead(let unknown):
            "the database has migrations this buddi does not know (\(unknown.joined(separator: ", "))); upgrade buddi"
        case .checksumMismatch(let migration, let applied, let file):
            "migration \(migration) was changed after it was applied (applied checksum \(applied.prefix(12))…, file \(file.prefix(12))…); restore the file and add a new migration instead"
        case .invalidMigration(let file, let reason):
            "migration file \(file): \(reason)"
        case .migrationFailed(let migration, let reason):
            "migration \(migration) failed and was rolled back: \(reason)"
        case .invalidSetting(let problem):
            problem
        }
    }
}
