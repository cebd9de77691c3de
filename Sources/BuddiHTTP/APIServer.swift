import BuddiAPI
import BuddiPipeline
import PostgresResilience
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceLifecycle

/// `buddi serve`: the HTTP API over the shared database — the original's scheduler endpoints,
/// conversations, exports, jobs, health, metrics and the OpenAPI document — and the operator's
/// console at `/` (see ``ConsoleRoutes``).
package struct APIServer: Service {
    /// Where and how it listens.
    package struct Configuration: Sendable {
        package var host: String
        package var port: Int
        /// Who may do what (see ``APIAccess``): with a token, every endpoint but `/health` and
        /// `/metrics` needs one.
        package var access: APIAccess
        /// How long an HTTP connection may sit idle before it is closed.
        package var idleTimeout: Duration
        /// The webhook endpoint's settings; nil leaves it out (404).
        package var webhooks: WebhookSettings?
        /// Where the console links trace ids; nil shows them unlinked.
        package var traceURLs: TraceURLTemplate?

        package init(
            host: String = "127.0.0.1", port: Int = 8000, access: APIAccess = APIAccess(adminToken: nil), idleTimeout: Duration = .seconds(60),
            webhooks: WebhookSettings? = nil, traceURLs: TraceURLTemplate? = nil
        ) {
            self.host = host
            self.port = port
            self.access = access
            self.idleTimeout = idleTimeout
            self.webhooks = webhooks
            self.traceURLs = traceURLs
        }
    }

    /// What `POST /api/webhooks/memories` checks deliveries with.
    package struct WebhookSettings: Sendable {
        /// Every secret accepted (`BUDDI_WEBHOOK_SECRETS`); at least one.
        package var secrets: [WebhookSecret]
        /// The limits a pushed memory is held to, as a fetched one is.
        package var limits: MemoryLimits
        /// How long a delivery waits for its commit before it is answered 503.
        package var commitDeadline: Duration

        package init(secrets: [WebhookSecret], limits: MemoryLimits = MemoryLimits(), commitDeadline: Duration = WebhookIntake.commitDeadlineDefault) {
            self.secrets = secrets
            self.limits = limits
            self.commitDeadline = commitDeadline
        }
    }

    let configuration: Configuration
    let dependencies: APIDependencies
    let onListening: @Sendable (Int) async -> Void
    let logger: Logger
    private let responder: RouterResponder<BasicRequestContext>
    /// Writes the webhook endpoint's refusal counts and prunes old deliveries, when it is on.
    private let webhookUpkeep: WebhookUpkeep?
    /// Every route, as the OpenAPI document must describe it.
    package let routes: [APIRoute]

    /// - Parameters:
    ///   - processMetrics: renders this process's own metrics (HTTP requests…), appended to the cluster's.
    ///   - disk: the database's disk as this process knows it (by default, as `client`'s calls found it).
    ///   - onListening: called with the bound port once the server listens.
    package init(
        configuration: Configuration, client: DatabaseClient, schedulerDefaults: SchedulerDefaults,
        processMetrics: @escaping @Sendable () -> String = { "" }, disk: (@Sendable () -> DiskCondition)? = nil,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }, logger: Logger
    ) {
        self.configuration = configuration
        self.onListening = onListening
        self.logger = logger
        let settings = SchedulerSettingsStore(client: client, defaults: schedulerDefaults, logger: logger)
        let intake = configuration.webhooks.map {
            WebhookIntake(client: client, limits: $0.limits, commitDeadline: $0.commitDeadline, logger: logger)
        }
        dependencies = APIDependencies(
            client: client, settings: settings, requests: FetchRequests(client: client, settings: settings, logger: logger),
            processMetrics: { (intake.map { WebhookMetrics.render($0.totals) } ?? "") + processMetrics() }, disk: disk ?? { client.disk },
            traceURLs: configuration.traceURLs, logger: logger)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: TraceRequestsMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: AccessMiddleware(access: configuration.access))
        router.add(middleware: QueryCheckMiddleware())
        var table = RouteTable(router: router)
        OperationsRoutes(dependencies: dependencies).register(on: &table)
        SchedulerRoutes(dependencies: dependencies).register(on: &table)
        ConversationRoutes(dependencies: dependencies).register(on: &table)
        JobRoutes(dependencies: dependencies).register(on: &table)
        if let webhooks = configuration.webhooks, let intake {
            WebhookRoutes(
                intake: intake, verifier: WebhookVerifier(secrets: webhooks.secrets), maxBodyBytes: webhooks.limits.maxMemoryBytes,
                logger: logger
            ).register(on: &table)
            webhookUpkeep = WebhookUpkeep(client: client, totals: intake.totals, logger: logger)
        } else {
            webhookUpkeep = nil
        }
        ConsoleRoutes(
            dependencies: dependencies, sessions: ConsoleSessions(access: configuration.access),
            loopbackOnly: !configuration.access.isProtected && LoopbackHost.contains(configuration.host)
        ).register(on: router)
        self.responder = router.buildResponder()
        self.routes = table.routes
    }

    package func run() async throws {
        let onListening = self.onListening
        let idle = TimeAmount(configuration.idleTimeout)
        let application = Application(
            responder: responder,
            server: .http1(configuration: .init(idleTimeout: idle)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "buddi"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        guard let webhookUpkeep else { return try await application.run() }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await webhookUpkeep.run() }
            group.addTask { try await application.run() }
        }
    }
}

/// What the handlers share.
struct APIDependencies: Sendable {
    let client: DatabaseClient
    let settings: SchedulerSettingsStore
    let requests: FetchRequests
    let processMetrics: @Sendable () -> String
    let disk: @Sendable () -> DiskCondition
    /// Where the console links trace ids.
    let traceURLs: TraceURLTemplate?
    let logger: Logger
}

extension Request {
    /// The query parameters, the last value winning.
    var parameters: [String: String] {
        Dictionary(uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { $1 })
    }
}

extension Response {
    /// A JSON response from JSON text.
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A JSON response from an encodable document.
    static func json<T: Encodable>(encoding value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        json(try ControlJSON.encode(value), status: status)
    }
}
