import BuddiRuntime
import ArgumentParser
import BuddiHTTP
import BuddiPipeline
import Foundation
import PostgresNIO
import ServiceLifecycle

/// `buddi serve`: the HTTP API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (scheduler control, conversations, exports, jobs, health, metrics).",
        discussion: """
            With BUDDI_ADMIN_TOKEN (or BUDDI_ADMIN_TOKEN_FILE) set, every endpoint but /health and /metrics needs \
            `Authorization: Bearer <token>`; BUDDI_READ_TOKEN (or BUDDI_READ_TOKEN_FILE) may read but not change \
            anything. Without a token it listens on loopback only, unless --allow-unauthenticated. \
            The OpenAPI document is at /openapi.yaml.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port).")
    var port = 8000

    @Flag(help: "Listen on a non-loopback --host without any token configured: anyone who reaches the port can read every conversation and change everything.")
    var allowUnauthenticated = false

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
    }

    func run() async throws {
        // Every setting this process reads, checked before anything starts.
        try BuddiEnvironment.current.check([.database, .scheduler, .tracing])
        let access = try BuddiEnvironment.current.access()
        let (webhooks, traceURLs) = (try BuddiEnvironment.current.webhooks(), try BuddiEnvironment.current.traceURLs())
        let logger = logging.logger
        let defaults = try BuddiEnvironment.current.scheduler()
        if !access.isProtected, !LoopbackHost.contains(host) {
            guard allowUnauthenticated else {
                throw CLIError(description: "refusing to serve on \(host) without BUDDI_ADMIN_TOKEN or BUDDI_READ_TOKEN: anyone who reaches it could read every conversation; set a token, listen on 127.0.0.1, or pass --allow-unauthenticated")
            }
            logger.warning("no token is set: anyone who reaches \(host):\(port) can read every conversation and change everything")
        }
        let url = try await database.resolveURL(logger: logger, waiting: true)
        let client = try database.client(of: url, logger: logger)
        let services = ProcessServices.server(
            client: client, configuration: .init(host: host, port: port, access: access, webhooks: webhooks, traceURLs: traceURLs),
            defaults: defaults,
            disk: database.diskWatch(client: client, logger: logger).condition,
            onListening: { port in logger.info("buddi API listening", metadata: ["port": "\(port)"]) }, logger: logger)
        try await ProcessRunner(client: client, schema: database.schemaPolicy, services: services + database.supervision(client: client, logger: logger), logger: logger)
            .runUntilSignalled(tracedAs: "buddi-serve")
    }
}
