import BuddiRuntime
import BuddiPipeline
import ArgumentParser
import PostgresMigrations
import PostgresServer
import Foundation
import PostgresNIO
import PostgresResilience

/// `buddi migrate`: applies pending schema migrations, or lists them.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations in order (safe to run concurrently).")

    @Option(name: .customLong("data-dir"), help: "The embedded cluster's data directory, when DATABASE_URL is unset.")
    var dataDirectory: String?

    @Flag(help: "List the migrations and whether each is applied, instead of applying.")
    var status = false

    func run() async throws {
        let logger = BuddiLogging.root
        var database = DatabaseOptions()
        database.dataDirectory = dataDirectory
        let url = try await database.resolveURL(logger: logger)
        let client = try database.client(of: url, logger: logger)
        let migrator = try BuddiSchema.migrator(client: client, logger: logger)
        try await withServicesRunning(client: client, logger: logger) {
            if status {
                try await printStatus(migrator)
            } else {
                let applied = try await migrator.migrate()
                print(applied.isEmpty ? "schema is current" : "applied \(applied.joined(separator: ", "))")
            }
        }
    }

    private func printStatus(_ migrator: Migrator) async throws {
        let formatter = ISO8601DateFormatter()
        for migration in try await migrator.status() {
            let state: String
            if migration.unknown {
                state = "applied, unknown to this build"
            } else if let appliedAt = migration.appliedAt {
                state = migration.checksumMatches ? "applied \(formatter.string(from: appliedAt))" : "CHANGED since applied"
            } else {
                state = "pending"
            }
            print("\(migration.name)  \(state)")
        }
    }
}
