import AsyncHTTPClient
import BuddiAPI
import BuddiHTTP
import BuddiPipeline
import BuddiSimulator
import Foundation
import Logging
import PostgresNIO
import PostgresResilience
import PostgresServer
import ServiceLifecycle
import Synchronization

/// What `buddi-lab bench webhooks` measured.
package struct WebhookBenchReport: BenchReport, Codable, Sendable {
    var deliveries: Int
    var senders: Int
    /// The offered rate (deliveries/s), or nil when the senders sent as fast as answered.
    var rate: Double?
    /// Deliveries answered 2xx, and conversations stored from them (each once).
    var acknowledged: Int
    var stored: Int
    var failed: Int
    var seconds: Double
    var deliveriesPerSecond: Double
    /// From a delivery's request to its 2xx, which comes only once its conversation is committed
    /// stored, analysed and anchored: arrival to stored, plus the loopback's transit.
    var arrivalToStoredP50Ms: Double
    var arrivalToStoredP99Ms: Double
    var arrivalToStoredMaxMs: Double
    var cpuPerDelivery: CPUPerDelivery

    struct CPUPerDelivery: Codable, Sendable {
        var serveUs: Double
        var postgresUs: Double

        enum CodingKeys: String, CodingKey {
            case serveUs = "serve_us"
            case postgresUs = "postgres_us"
        }
    }

    package var text: String {
        """
        \(deliveries) signed deliveries from \(senders) senders\(rate.map { String(format: " at %.0f/s", $0) } ?? ""): \
        acknowledged \(acknowledged), stored \(stored), failed \(failed)
        \(Int(deliveriesPerSecond.rounded())) deliveries/s
        arrival → stored: p50 \(String(format: "%.2f", arrivalToStoredP50Ms)) ms, p99 \(String(format: "%.2f", arrivalToStoredP99Ms)) ms, \
        max \(String(format: "%.2f", arrivalToStoredMaxMs)) ms
        CPU per delivery: serve \(Int(cpuPerDelivery.serveUs.rounded())) µs, PostgreSQL \(Int(cpuPerDelivery.postgresUs.rounded())) µs
        """
    }

    enum CodingKeys: String, CodingKey {
        case deliveries, senders, rate, acknowledged, stored, failed, seconds
        case deliveriesPerSecond = "deliveries_per_second"
        case arrivalToStoredP50Ms = "arrival_to_stored_p50_ms"
        case arrivalToStoredP99Ms = "arrival_to_stored_p99_ms"
        case arrivalToStoredMaxMs = "arrival_to_stored_max_ms"
        case cpuPerDelivery = "cpu_per_delivery"
    }
}

/// The webhook benchmark: a real `buddi serve` (with its webhook endpoint on) and a `buddi
/// worker` on a scratch database, and signed deliveries of simulated memories from concurrent
/// senders over loopback (blocking sockets on threads: the senders stand in for another machine).
package struct WebhookBenchmark: Sendable {
    let serverURL: DatabaseURL
    let executable: String
    let deliveries: Int
    let senders: Int
    /// Deliveries per second offered; nil sends each as soon as a sender is free.
    let rate: Double?
    let logger: Logger

    package init(serverURL: DatabaseURL, executable: String, deliveries: Int, senders: Int, rate: Double?, logger: Logger) {
        self.serverURL = serverURL
        self.executable = executable
        self.deliveries = deliveries
        self.senders = senders
        self.rate = rate
        self.logger = logger
    }

    /// Measures, then drops the scratch database.
    package func run() async throws -> WebhookBenchReport {
        try await ScratchDatabase.with(prefix: "buddi_bench", on: serverURL, logger: logger) { try await measure(in: $0) }
    }

    private func measure(in database: DatabaseURL) async throws -> WebhookBenchReport {
        let client = DatabaseClient(configuration: database.clientConfiguration, backgroundLogger: logger)
        return try await withServicesRunning(client: client, logger: logger) {
            try await BuddiSchema.migrator(client: client, logger: logger).migrate()
            let memories = await BuddiSimulator(configuration: SimulatorConfiguration(port: 0, memoryCount: deliveries)).memoryTexts()
            let secret = WebhookSecret.random()
            let port = Int.random(in: 20_000...40_000)
            var environment = ProcessInfo.processInfo.environment
            environment["DATABASE_URL"] = WorkerProcesses.connectionString(database)
            environment["BUDDI_WEBHOOK_SECRETS"] = secret.text
            environment["LOG_LEVEL"] = environment["LOG_LEVEL"] ?? "warning"
            let serve = try RunningProcess([executable, "serve", "--port", "\(port)"], environment: environment, label: "buddi-bench-serve")
            let workers = try WorkerProcesses(executable: executable, count: 1, concurrency: 8, database: database, apiBaseURL: "http://127.0.0.1:9")
            defer {
                serve.signal(SIGTERM)
                workers.stop()
            }
            try await workers.waitUntilRegistered(client: client, logger: logger)
            try await waitUntilListening(port: port, serve: serve)
            return try await send(memories, to: "http://127.0.0.1:\(port)\(APIServer.webhookPath)", secret: secret, serve: serve, client: client)
        }
    }

    private func waitUntilListening(port: Int, serve: RunningProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if serve.poll() != nil { throw BenchWorkerError(description: "buddi serve exited at start: \(serve.output.suffix(2000))") }
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchWorkerError(description: "buddi serve did not answer /health within 60 s")
    }

    private func send(
        _ memories: [(id: String, json: String)], to url: String, secret: WebhookSecret, serve: RunningProcess, client: DatabaseClient
    ) async throws -> WebhookBenchReport {
        guard let port = URL(string: url)?.port else { throw BenchWorkerError(description: "no port in \(url)") }
        let path = APIServer.webhookPath
        let next = DeliveryCursor()
        let serveBefore = ProcessSampler.cpuSeconds(pid: serve.pid) ?? 0
        let span = CPUSpan()
        let start = ContinuousClock.now
        let rate = self.rate
        // Each sender a thread with a blocking connection of its own (see LoopbackSender).
        let results = await withCheckedContinuation { (done: CheckedContinuation<[(ok: Bool, ms: Double)], Never>) in
            let collected = Mutex<[(ok: Bool, ms: Double)]>([])
            let group = DispatchGroup()
            for _ in 0..<senders {
                group.enter()
                Thread.detachNewThread {
                    let sender = LoopbackSender(port: port)
                    var mine: [(ok: Bool, ms: Double)] = []
                    while true {
                        let index = next.take()
                        guard index < memories.count else { break }
                        if let rate {
                            let wait = (start + .seconds(Double(index) / rate)) - .now
                            if wait > .zero { Thread.sleep(forTimeInterval: wait.inSeconds) }
                        }
                        let request = Self.request(memories[index].json, index: index, path: path, port: port, secret: secret)
                        let sent = ContinuousClock.now
                        let status = sender.send(request)
                        mine.append(((200..<300).contains(status ?? 0), (ContinuousClock.now - sent).inSeconds * 1000))
                    }
                    collected.withLock { $0 += mine }
                    group.leave()
                }
            }
            group.notify(queue: .global()) { done.resume(returning: collected.withLock { $0 }) }
        }
        let seconds = (ContinuousClock.now - start).inSeconds
        let (_, postgres, _) = span.spent()
        let serveCPU = (ProcessSampler.cpuSeconds(pid: serve.pid) ?? serveBefore) - serveBefore
        var stored = 0
        for try await count in try await client.query("SELECT count(*) FROM conversations WHERE source = 'webhook'", logger: logger).decode(Int64.self) {
            stored = Int(count)
        }
        let latencies = results.filter(\.ok).map(\.ms)
        let acknowledged = latencies.count
        return WebhookBenchReport(
            deliveries: memories.count, senders: senders, rate: rate, acknowledged: acknowledged, stored: stored,
            failed: results.count - acknowledged, seconds: seconds, deliveriesPerSecond: Double(acknowledged) / seconds,
            arrivalToStoredP50Ms: Percentile.of(latencies, 0.5), arrivalToStoredP99Ms: Percentile.of(latencies, 0.99),
            arrivalToStoredMaxMs: latencies.max() ?? .nan,
            cpuPerDelivery: .init(
                serveUs: serveCPU / Double(max(acknowledged, 1)) * 1e6, postgresUs: postgres / Double(max(acknowledged, 1)) * 1e6))
    }

    /// Delivery `index` as the bytes of its HTTP/1.1 request, signed now.
    private static func request(_ json: String, index: Int, path: String, port: Int, secret: WebhookSecret) -> [UInt8] {
        let body = Array(json.utf8)
        let id = "msg_bench_\(index)"
        let timestamp = Int64(Date().timeIntervalSince1970)
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "webhook-id: \(id)\r\nwebhook-timestamp: \(timestamp)\r\n"
            + "webhook-signature: \(WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret))\r\n"
            + "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }
}

/// Hands out delivery indexes to the senders, each once.
private final class DeliveryCursor: Sendable {
    private let next = Atomic<Int>(0)

    func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
}
