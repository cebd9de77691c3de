/// The migrations of one owner of a schema (a library, an application), recorded in a table of
/// their own, so that several owners can share a database and each evolve on its own.
public struct MigrationSet: Sendable {
    /// The owner's name, e.g. `job_queue`; it qualifies the names of its migrations in messages.
    public let owner: String
    /// Where applied migrations are recorded (created when missing).
    public let table: String
    /// The migrations, in order.
    public let migrations: [Migration]
    /// Whether messages prefix the names of its migrations with the owner.
    let qualified: Bool

    /// A set recorded in `table` (a plain lower-case SQL identifier).
    public init(owner: String, table: String, migrations: [Migration], qualifiedNames: Bool = true) {
        precondition(
            table.first.map { $0 == "_" || ("a"..."z").contains($0) } == true
                && table.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) },
            "a migration table name is a plain lower-case identifier")
        self.owner = owner
        self.table = table
        self.migrations = migrations
        self.qualified = qualifiedNames
    }

    /// `migration`'s name as messages say it.
    func displayName(_ migration: String) -> String {
        qualified ? "\(owner)/\(migration)" : migration
    }
}
