import ArgumentParser
import Foundation

/// The `buddi` command.
@main
struct Buddi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buddi",
        abstract: "Ingest Buddi conversation memories through a PostgreSQL job queue.",
        discussion: """
            With DATABASE_URL unset, buddi runs on a private PostgreSQL cluster in ./.buddi/postgres \
            (BUDDI_DATA_DIR), which it creates, starts and migrates by itself.
            """,
        subcommands: [
            MigrateCommand.self, WorkerCommand.self, DatabaseCommand.self, BenchCommand.self,
            FetchCommand.self, VerifyCommand.self, AuditCommand.self, RejectedCommand.self, ExportCommand.self, AnalyzeCommand.self, SimulatorCommand.self, APICommand.self,
            SchedulerCommand.self, StartCommand.self, StopCommand.self, StatusCommand.self, ConfigCommand.self,
            JobsCommand.self, ServeCommand.self, DemoCommand.self, ChaosCommand.self,
        ]
    )

    /// Runs the command; an error is one line on stderr and a non-zero exit.
    static func main() async {
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            var command = command
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            // Help, usage and validation errors: ArgumentParser prints them its own way.
            exit(withError: error)
        } catch {
            FileHandle.standardError.write(Data("buddi: \(CLIError.oneLine(error))\n".utf8))
            Foundation.exit(1)
        }
    }
}
