/// The migrations of one owner of a schema (a library, an application), recorded in a table of
/// their own, so that several owners can share a database and each evolve on its own.
public struct MigrationSet: Sendable {
    /// The owner's name, e.g. `job_queue`; it qualifies the names of its migrations in messages.
    public let owner: String
    /// Where applied migrations are recorded (created when missing).
    public let table: String
    /// The migrations, in order.
    public let migrations: [Migration]
    /// What an earlier release applied before the set was re-based, if it was.
    public let history: MigrationHistory?
    /// Whether messages prefix the names of its migrations with the owner.
    let qualified: Bool

    /// A set recorded in `table` (a plain lower-case SQL identifier).
    public init(owner: String, table: String, migrations: [Migration], history: MigrationHistory? = nil, qualifiedNames: Bool = true) {
        precondition(
            table.first.map { $0 == "_" || ("a"..."z").contains($0) } == true
                && table.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) },
            "a migration table name is a plain lower-case identifier")
        self.owner = owner
        self.table = table
        self.migrations = migrations
        self.history = history
        self.qualified = qualifiedNames
    }

    /// `migration`'s name as messages say it.
    func displayName(_ migration: String) -> String {
        qualified ? "\(owner)/\(migration)" : migration
    }
}

/// Migrations an earlier release applied, replaced since by a baseline: one migration that
/// creates, on a new database, what they left (the way a squash or a Flyway baseline does).
///
/// A database that has any of them is first brought to the end of the history with the
/// history's own files (still checked against what was applied), and then has every migration of
/// the set up to `baseline` recorded as applied without running it. A new database runs the set.
public struct MigrationHistory: Sendable {
    /// The earlier release's migrations, byte for byte, in order.
    public let migrations: [Migration]
    /// The last version of the set that stands for the history.
    public let baseline: Int

    /// A history replaced by the set's migrations up to `baseline`.
    public init(migrations: [Migration], baseline: Int) {
        self.migrations = migrations
        self.baseline = baseline
    }
}
