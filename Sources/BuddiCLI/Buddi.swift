import ArgumentParser
import BuddiRuntime

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
        version: buddiVersion,
        subcommands: [
            MigrateCommand.self, WorkerCommand.self, DatabaseCommand.self,
            FetchCommand.self, VerifyCommand.self, AuditCommand.self, RejectedCommand.self, ExportCommand.self, AnalyzeCommand.self, SimulatorCommand.self, APICommand.self,
            SchedulerCommand.self, StartCommand.self, StopCommand.self, StatusCommand.self, ConfigCommand.self,
            JobsCommand.self, ServeCommand.self, DemoCommand.self,
        ]
    )

    /// Runs the command; an error is one line on stderr and a non-zero exit.
    static func main() async {
        await runAsRoot()
    }
}
