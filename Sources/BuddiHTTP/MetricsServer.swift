import Hummingbird
import Logging
import ServiceLifecycle

/// A small HTTP server answering only `GET /metrics`: a worker's or a scheduler's own metrics
/// (job runs and durations, Buddi API call failures…), for Prometheus to scrape per process.
package struct MetricsServer: Service {
    let host: String
    let port: Int
    let render: @Sendable () -> String
    let logger: Logger

    /// Serves `render()` at `http://host:port/metrics`.
    package init(host: String, port: Int, render: @escaping @Sendable () -> String, logger: Logger) {
        self.host = host
        self.port = port
        self.render = render
        self.logger = logger
    }

    package func run() async throws {
        let router = Router()
        let render = render
        router.get("/metrics") { _, _ in Response.prometheus(render()) }
        let logger = logger
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "buddi-metrics"),
            onServerRunning: { channel in
                logger.info("metrics endpoint listening", metadata: ["port": "\(channel.localAddress?.port ?? 0)"])
            },
            logger: logger)
        try await application.run()
    }
}

extension Response {
    /// A response in the Prometheus text exposition format.
    static func prometheus(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
