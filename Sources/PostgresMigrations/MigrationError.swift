/// What can go wrong reading or applying migrations. Each message is one line naming what was
/// wrong.
public enum MigrationError: Error, CustomStringConvertible, Equatable {
    /// Migrations not yet applied; `hint` says how to apply them.
    case schemaBehind(pending: [String], hint: String)
    /// The database has migrations this build does not know.
    case schemaAhead(unknown: [String])
    /// An applied migration's file changed since.
    case checksumMismatch(migration: String, applied: String, file: String)
    /// A migration file is malformed or misnamed.
    case invalidMigration(file: String, reason: String)
    /// A migration failed to apply; nothing of it was kept.
    case migrationFailed(migration: String, reason: String)

    public var description: String {
        switch self {
        case .schemaBehind(let pending, let hint):
            "the database schema is not current (pending: \(pending.joined(separator: ", "))); \(hint)"
        case .schemaAhead(let unknown):
            "the database has migrations this build does not know (\(unknown.joined(separator: ", "))); upgrade this program"
        case .checksumMismatch(let migration, let applied, let file):
            "migration \(migration) was changed after it was applied (applied checksum \(applied.prefix(12))…, file \(file.prefix(12))…); restore the file and add a new migration instead"
        case .invalidMigration(let file, let reason):
            "migration file \(file): \(reason)"
        case .migrationFailed(let migration, let reason):
            "migration \(migration) failed and was rolled back: \(reason)"
        }
    }
}
