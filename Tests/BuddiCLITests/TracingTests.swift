import AsyncHTTPClient
import BrowserTestSupport
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import NIOCore
import Testing

/// OpenTelemetry tracing across real `buddi` processes, exported over OTLP/HTTP to a real
/// receiver that decodes it with OpenTelemetry's own protobuf definitions.
@Suite("Tracing", .serialized)
struct TracingTests {
    /// The environment that turns tracing on, exporting to `receiver` within a fraction of a second.
    private func tracing(_ receiver: OTLPReceiver) -> [String: String] {
        ["OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200"]
    }

    @Test("a scheduled fetch through worker processes is one trace, from the request to the last stored conversation")
    func scheduledFetchIsOneTrace() async throws {
        let receiver = try await OTLPReceiver.start()
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let url = db.url.redacted
        // One request in five answered 500: the client retries, and each attempt is a span.
        let simulator = try BuddiProcess(
            ["simulator", "--port", "0", "--memories", "1000", "--seed", "5", "--server-error-rate", "0.2"], databaseURL: nil)
        let simulatorURL = try #require(await simulator.logged("Buddi simulator listening", field: "url"), "\(simulator.output)")
        let api = ["BUDDI_API_BASE_URL": simulatorURL, "BUDDI_API_KEY": "tracing-test"]
        let workers = try (0..<2).map { _ in
            try BuddiProcess(["worker", "--poll-interval-ms", "200"], databaseURL: url, environment: tracing(receiver).merging(api) { $1 })
        }
        let scheduler = try BuddiProcess(
            ["scheduler", "--tick-seconds", "0.5"], databaseURL: url,
            environment: tracing(receiver).merging(["SCHEDULER_MAX_CONVERSATIONS_PER_FETCH": "1000"]) { $1 })
        let stored = try await eventually(timeout: .seconds(120)) {
            try await db.scalar("SELECT count(*) FROM conversations", as: Int64.self) == 1000
        }
        // Sealed, and every span exported: the processes flush what they hold as they stop.
        _ = try await eventually(timeout: .seconds(30)) {
            try await db.scalar("""
                SELECT count(*) FROM ledger_anchors WHERE id > (SELECT COALESCE(max(last_anchor_id), 0) FROM ledger_blocks)
                """, as: Int64.self) == 0
        }
        // serve: a request continuing a caller's trace, webhook deliveries, and the console's links to the traces.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let serve = try BuddiProcess(
            ["serve", "--port", "0"], databaseURL: url,
            environment: tracing(receiver).merging([
                "BUDDI_TRACE_URL_TEMPLATE": "http://tracing.example/trace/{trace_id}", "BUDDI_WEBHOOK_SECRETS": secret,
            ]) { $1 })
        let port = try #require(await serve.logged("buddi API listening", field: "port"), "\(serve.output)")
        let pusher = try BuddiProcess(
            ["simulator", "--port", "0", "--memories", "0", "--seed", "6", "--arrival-rate", "20",
             "--webhook-url", "http://127.0.0.1:\(port)/api/webhooks/memories"],
            databaseURL: nil, environment: ["BUDDI_WEBHOOK_SECRETS": secret])
        let pushed = try await eventually(timeout: .seconds(60)) {
            try await db.scalar("SELECT count(*) FROM conversations WHERE source = 'webhook'", as: Int64.self) ?? 0 >= 5
        }
        pusher.signal(SIGTERM)
        _ = try await pusher.wait(timeout: .seconds(30))
        #expect(pushed, "\(pusher.output.suffix(2000))")
        let (callerTrace, callerSpan) = ("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
        var health = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
        health.headers.add(name: "traceparent", value: "00-\(callerTrace)-\(callerSpan)-01")
        #expect(try await HTTPClient.shared.execute(health, timeout: .seconds(10)).status == .ok)
        // A traceparent OpenTelemetry cannot read is logged without the request's other headers.
        var garbled = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
        garbled.headers.add(name: "traceparent", value: "00-not-a-trace")
        garbled.headers.add(name: "authorization", value: "Bearer s3cret-request-token")
        #expect(try await HTTPClient.shared.execute(garbled, timeout: .seconds(10)).status == .ok)
        let jobID = try #require(try await db.scalar("SELECT job_id FROM fetch_runs", as: Int64.self))
        let oneID = try #require(try await db.scalar("SELECT buddi_id FROM conversations LIMIT 1", as: String.self))
        let links = try await consoleTraceLinks(port: port, paths: ["/ui/jobs/\(jobID)", "/ui/conversations/\(oneID)"])

        for process in workers + [scheduler, serve, simulator] { process.signal(SIGTERM) }
        for process in workers + [scheduler, serve] { #expect(try await process.wait(timeout: .seconds(30)) == 0, "\(process.output.suffix(3000))") }
        #expect(!serve.output.contains("s3cret-request-token"), "\(serve.output.suffix(3000))")
        _ = try await simulator.wait(timeout: .seconds(30))
        try #require(stored, "\(workers.map { $0.output.suffix(2000) })")
        let spans = try receiver.spans()
        try await receiver.stop()

        let request = try #require(spans.first { $0.name == "fetch request" }, "\(spans.map(\.name))")
        #expect(request.service == "buddi-scheduler")
        #expect(request.attributes["buddi.fetch.trigger"]?.string == "scheduled")
        let trace = spans.filter { $0.traceID == request.traceID }
        let enqueue = try #require(trace.first { $0.name == "enqueue fetch" })
        #expect(enqueue.parentSpanID == request.spanID)
        #expect(enqueue.kind == 4)  // producer
        let job = try #require(trace.first { $0.name == "process fetch" })
        #expect(job.service == "buddi-worker")
        #expect(job.kind == 5)  // consumer
        #expect(job.parentSpanID == enqueue.spanID)
        #expect(job.attributes["job.id"]?.int == jobID)
        #expect(job.attributes["job.kind"]?.string == "fetch")
        #expect(job.attributes["job.queue"]?.string == "default")
        #expect(job.attributes["job.attempt"]?.int == 1)
        #expect(job.attributes["job.outcome"]?.string == "completed")

        // The Buddi API's attempts: each a client span under its page, the retried ones marked.
        let attempts = trace.filter { $0.name == "GET get_memories" }
        let pages = trace.filter { $0.name == "buddi.get_memories" }
        #expect(pages.count >= 10, "\(pages.count) pages")
        #expect(attempts.count > pages.count, "no attempt was retried: \(attempts.count) attempts, \(pages.count) pages")
        #expect(attempts.allSatisfy { attempt in pages.contains { $0.spanID == attempt.parentSpanID } })
        #expect(attempts.contains { $0.attributes["http.response.status_code"]?.int == 500 && $0.statusCode == 2 })
        #expect(attempts.contains { ($0.attributes["http.request.resend_count"]?.int ?? 0) >= 1 && $0.attributes["http.response.status_code"]?.int == 200 })
        #expect(attempts.allSatisfy { $0.attributes["buddi.rate_limiter.wait_ms"] != nil })

        // Every stored memory is on the spans that drafted and stored it, and its row names the trace.
        let buddiIDs = Set(try await db.scalar("SELECT array_agg(buddi_id) FROM conversations WHERE source = 'fetch'", as: [String].self) ?? [])
        #expect(buddiIDs.count == 1000)
        for name in ["draft page", "store pages"] {
            let handled = Set(trace.filter { $0.name == name }.flatMap { $0.attributes["buddi.memory_ids"]?.strings ?? [] })
            #expect(handled == buddiIDs, "\(name): \(handled.count) ids, \(handled.symmetricDifference(buddiIDs).count) differ")
        }
        let fetchTraces = try await db.scalar("SELECT array_agg(DISTINCT trace_id) FROM conversations WHERE source = 'fetch'", as: [String].self)
        #expect(fetchTraces == [request.traceID])
        #expect(spans.contains { $0.name == "ledger seal" && ($0.attributes["ledger.anchors"]?.int ?? 0) > 0 })
        // Log lines written inside the job carry its trace.
        #expect(workers.contains { $0.output.contains("trace_id=\(request.traceID)") })
        // A request to serve continues its caller's trace; the console links both pages to the fetch's.
        let served = spans.first { $0.service == "buddi-serve" && $0.traceID == callerTrace }
        #expect(served?.parentSpanID == callerSpan, "\(spans.filter { $0.service == "buddi-serve" }.map(\.name))")
        #expect(served?.kind == 2)  // server
        #expect(links == Array(repeating: "http://tracing.example/trace/\(request.traceID)", count: 2))
        // Each pushed memory is stored in its delivery's trace, under the request's span.
        let deliveries = spans.filter { $0.name == "webhook delivery" && $0.attributes["webhook.outcome"]?.string == "stored" }
        #expect(deliveries.count >= 5)
        for delivery in deliveries {
            let buddiID = try #require(delivery.attributes["buddi.memory_id"]?.string)
            #expect(try await db.scalar("SELECT trace_id FROM conversations WHERE buddi_id = \(buddiID)", as: String.self) == delivery.traceID)
            #expect(spans.contains { $0.spanID == delivery.parentSpanID && $0.service == "buddi-serve" && $0.kind == 2 })
        }
    }

    /// The `href` of `#trace-id` on each console page, in a real browser.
    private func consoleTraceLinks(port: String, paths: [String]) async throws -> [String] {
        try #require(WebDriver.isInstalled, "chromium and chromium-driver are not installed (scripts/install-tools installs them)")
        let browser = try await WebDriver.start()
        var links: [String] = []
        do {
            for path in paths {
                try await browser.open("http://127.0.0.1:\(port)\(path)")
                links.append(try await browser.property("href", of: try await browser.element("#trace-id")) as? String ?? "")
            }
        } catch {
            await browser.quit()
            throw error
        }
        await browser.quit()
        return links
    }

    @Test("an attempt is a child of its enqueuer's span; a retry, or a first attempt long after its enqueue, a new trace linked to it")
    func retriesAreLinked() async throws {
        let receiver = try await OTLPReceiver.start()
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let (traceID, spanID) = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")
        let context = #"{"traceparent": "00-\#(traceID)-\#(spanID)-01"}"#
        let retried = try await db.scalar("""
            INSERT INTO jobs (kind, args, trace_context) VALUES ('probe', '{"failAttempts": 1, "retryAfterMs": 100}', \(context)::jsonb)
            RETURNING id
            """, as: Int64.self)
        let late = try await db.scalar("""
            INSERT INTO jobs (kind, trace_context, created_at) VALUES ('probe', \(context)::jsonb, now() - interval '2 minutes')
            RETURNING id
            """, as: Int64.self)
        let worker = try BuddiProcess(["worker", "--poll-interval-ms", "100"], databaseURL: db.url.redacted, environment: tracing(receiver))
        let done = try await eventually(timeout: .seconds(60)) {
            try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'completed'", as: Int64.self) == 2
        }
        worker.signal(SIGTERM)
        #expect(try await worker.wait() == 0, "\(worker.output.suffix(2000))")
        try #require(done, "\(worker.output.suffix(2000))")
        let spans = try receiver.spans().filter { $0.name == "process probe" }
        try await receiver.stop()

        let first = try #require(spans.first { $0.attributes["job.id"]?.int == retried && $0.attributes["job.attempt"]?.int == 1 })
        #expect(first.traceID == traceID)
        #expect(first.parentSpanID == spanID)
        #expect(first.links.isEmpty)
        #expect(first.attributes["job.outcome"]?.string == "retry")
        #expect(first.statusCode == 2)
        let second = try #require(spans.first { $0.attributes["job.id"]?.int == retried && $0.attributes["job.attempt"]?.int == 2 })
        #expect(second.traceID != traceID)
        #expect(second.parentSpanID.isEmpty)
        #expect(second.links.map(\.traceID) == [traceID])
        #expect(second.links.map(\.spanID) == [spanID])
        #expect(second.attributes["job.outcome"]?.string == "completed")
        let delayed = try #require(spans.first { $0.attributes["job.id"]?.int == late })
        #expect(delayed.traceID != traceID)
        #expect(delayed.links.map(\.spanID) == [spanID])
    }

    @Test("an unreachable collector costs no job anything and is reported once")
    func unreachableCollector() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let worker = try BuddiProcess(
            ["worker", "--poll-interval-ms", "100"], databaseURL: db.url.redacted,
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1", "OTEL_BSP_SCHEDULE_DELAY": "100",
                // A credential for the collector, and OpenTelemetry's own logs at their most detailed.
                "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer s3cret-otel-token", "OTEL_LOG_LEVEL": "debug",
            ])
        // Three waves of jobs, a second apart: three batches of spans, each export refused.
        var done = true
        for wave in 1...3 {
            try await db.execute("INSERT INTO jobs (kind) SELECT 'probe' FROM generate_series(1, 100)")
            done = try await eventually(timeout: .seconds(60)) {
                try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'completed'", as: Int64.self) == Int64(100 * wave)
            } && done
            try await Task.sleep(for: .seconds(1))
        }
        worker.signal(SIGTERM)
        #expect(try await worker.wait() == 0, "\(worker.output.suffix(2000))")
        #expect(done, "\(worker.output.suffix(2000))")
        let reports = worker.output.components(separatedBy: "Failed to export batch").count - 1
        #expect(reports == 1, "\(worker.output.suffix(3000))")
        #expect(!worker.output.contains("s3cret-otel-token"), "\(worker.output.suffix(3000))")
        #expect(try await db.scalar("SELECT count(*) FROM jobs WHERE attempt <> 1", as: Int64.self) == 0)
    }
}
