import ArgumentParser
import BuddiHTTP
import BuddiScheduler
import Foundation
import PostgresNIO
import ServiceLifecycle

/// `buddi serve`: the HTTP API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (scheduler control, conversations, exports, jobs, health, metrics).",
        discussion: """
            With BUDDI_ADMIN_TOKEN set, every mutating endpoint needs `Authorization: Bearer <token>`. \
            The OpenAPI document is at /openapi.yaml.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port).")
    var port = 8000

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
    }

    func run() async throws {
        let logger = logging.logger
        let defaults = try SchedulerDefaults.fromEnvironment()
        let adminToken = ProcessInfo.processInfo.environment["BUDDI_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if adminToken == nil, !["127.0.0.1", "::1", "localhost"].contains(host) {
            logger.warning("BUDDI_ADMIN_TOKEN is not set: anyone who reaches \(host):\(port) can start, stop and configure the scheduler and act on jobs")
        }
        let url = try await database.resolveURL(logger: logger)
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        _ = ProcessMetrics.registry
        let server = APIServer(
            configuration: .init(host: host, port: port, adminToken: adminToken),
            client: client, schedulerDefaults: defaults, processMetrics: ProcessMetrics.render,
            onListening: { port in logger.info("buddi API listening", metadata: ["port": "\(port)"]) }, logger: logger)
        try await WorkerProcess(database: database, client: client, services: [server], logger: logger).runUntilSignalled()
    }
}
