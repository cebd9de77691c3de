import BuddiRuntime
import ArgumentParser
import PostgresServer
import Foundation

/// `buddi db start|stop|status|url`: the embedded PostgreSQL cluster.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the embedded PostgreSQL cluster (used when DATABASE_URL is unset).",
        subcommands: [Start.self, Stop.self, Status.self, URLCommand.self])

    /// The options every `db` subcommand takes.
    struct Location: ParsableArguments {
        @Option(name: .customLong("data-dir"), help: "The cluster's data directory (default: $BUDDI_DATA_DIR or ./.buddi/postgres).")
        var dataDirectory: String?

        func cluster() throws -> EmbeddedPostgres {
            let environment = BuddiEnvironment.current
            if environment.databaseURL != nil {
                throw CLIError(description: "DATABASE_URL is set: buddi uses that server and manages no embedded cluster")
            }
            return EmbeddedPostgres(dataDirectory: dataDirectory ?? environment.dataDirectory)
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (if needed), start and migrate the cluster.")
        @OptionGroup var location: Location

        func run() async throws {
            let cluster = try location.cluster()
            var options = DatabaseOptions()
            options.dataDirectory = cluster.requestedDirectory
            try await options.withDatabase(logger: BuddiLogging.root) { _, _ in }
            print("running: \(cluster.url.redacted)")
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the cluster.",
            discussion: "Long-running buddi processes on it (worker, scheduler, serve, demo) start it again within seconds: stop them first.")
        @OptionGroup var location: Location

        func run() throws {
            try location.cluster().stop()
            print("stopped")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether the cluster exists and runs.")
        @OptionGroup var location: Location

        func run() throws {
            let cluster = try location.cluster()
            switch try cluster.status() {
            case .notCreated: print("not created (\(cluster.dataDirectory))")
            case .stopped: print("stopped (\(cluster.dataDirectory))")
            case .running: print("running (\(cluster.dataDirectory)), \(cluster.url.redacted)")
            }
        }
    }

    struct URLCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "url", abstract: "Print the cluster's connection URL (for psql or DATABASE_URL).")
        @OptionGroup var location: Location

        func run() throws {
            print(try location.cluster().url.redacted)
        }
    }
}
