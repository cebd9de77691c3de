import AsyncHTTPClient
import BuddiPipeline
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import NIOCore
import PostgresNIO
import PostgresResilience
import PostgresServer
import Testing

@Suite("Operator CLI", .serialized)
struct CLITests {
    private func buddi(_ db: TestDatabase, _ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32?, output: String) {
        try await BuddiProcess.run(arguments, databaseURL: db.url.redacted, environment: environment)
    }

    @Test("buddi status --json reports a known state")
    func statusJSON() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.insertConversations(4)
        try await db.execute("UPDATE conversations SET processing_state = 'failed', processing_error = 'bad' WHERE buddi_id = 'c-1'")
        let fetch = try await db.requests.requestManual(try ManualFetch(), force: false)
        let started = Date(timeIntervalSince1970: 1_790_000_000)
        try await db.finishFetch(fetch, outcome: "succeeded", started: started, finished: started + 3)
        try await db.execute("UPDATE fetch_runs SET pages = 2, memories_seen = 4, new_conversations = 3, duplicates = 1")
        try await db.execute("""
            INSERT INTO workers (id, host, pid, queues, concurrency, heartbeat_at) VALUES
                ('w-alive', 'h1', 1, '{default}', 10, now()), ('w-dead', 'h2', 2, '{default}', 10, now() - interval '10 minutes')
            """)
        try await db.execute("INSERT INTO jobs (kind, run_at) VALUES ('probe', now() - interval '90 seconds')")
        // stdout and stderr arrive merged here: only errors may be logged beside the JSON.
        let result = try await buddi(db, ["status", "--json"], environment: ["SCHEDULER_FETCH_INTERVAL_HOURS": "3", "LOG_LEVEL": "error"])
        #expect(result.status == 0, "\(result.output)")
        let status = try #require((try? JSONSerialization.jsonObject(with: Data(result.output.utf8))) as? [String: Any], "\(result.output)")
        #expect(status["is_running"] as? Bool == true)
        #expect(status["fetch_interval_hours"] as? Int == 2, "the settings row was created before, with the default")
        #expect(status["last_fetch_outcome"] as? String == "succeeded")
        #expect(status["last_fetch_time"] as? String == "2026-09-21T14:13:20Z")
        #expect(status["next_fetch_time"] as? String == "2026-09-21T16:13:20Z")
        #expect(status["fetch_in_progress"] as? Bool == false)
        #expect((status["last_fetch"] as? [String: Any])?["new"] as? Int == 3)
        let workers = try #require(status["workers"] as? [String: Any])
        #expect(workers["alive"] as? Int == 1)
        #expect(workers["dead"] as? Int == 1)
        let queue = try #require(status["queue"] as? [String: Any])
        #expect((queue["by_state"] as? [String: Int])?["available"] == 1)
        #expect((queue["oldest_waiting_seconds"] as? Double ?? 0) >= 90)
        let conversations = try #require(status["conversations"] as? [String: Any])
        #expect(conversations.filter { $0.key != "exact" } as? [String: Int] == ["total": 4, "processed": 3, "pending": 0, "failed": 1, "rejected": 0])
        #expect(conversations["exact"] as? Bool == true && queue["exact"] as? Bool == true)
        #expect((status["last_24h"] as? [String: Any])?["processing_error_rate"] as? Double == 0.25)

        let text = try await buddi(db, ["status"])
        #expect(text.output.contains("workers:        1 alive, 1 dead"), "\(text.output)")
    }

    @Test("every session runs with a statement timeout and an idle-in-transaction limit; a bad BUDDI_STATEMENT_TIMEOUT_SECONDS is refused naming it")
    func sessionLimits() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let client = DatabaseClient(configuration: db.url.clientConfiguration(limits: SessionLimits(statementTimeoutMs: 300)), backgroundLogger: db.logger)
        try await withServicesRunning(client: client, logger: db.logger) {
            let idle = try await client.query("SHOW idle_in_transaction_session_timeout", logger: db.logger).decode(String.self)
            for try await value in idle { #expect(value == "5min") }
            do {
                for try await _ in try await client.query("SELECT pg_sleep(3)::text", logger: db.logger) {}
                Issue.record("a statement past the timeout was not cancelled")
            } catch let error as PSQLError {
                #expect(error.serverInfo?[.sqlState] == "57014", "\(String(reflecting: error))")
            }
        }
        #expect(try SessionLimits.fromEnvironment(["BUDDI_STATEMENT_TIMEOUT_SECONDS": "2.5"]) == SessionLimits(statementTimeoutMs: 2500))
        #expect(try SessionLimits.fromEnvironment(["BUDDI_STATEMENT_TIMEOUT_SECONDS": "0"]) == SessionLimits(statementTimeoutMs: 0))
        #expect(try SessionLimits.fromEnvironment([:]) == .standard)
        for value in ["0.0004", "-1", "86401", "nan"] {
            #expect(throws: DatabaseError.self, "\(value)") { try SessionLimits.fromEnvironment(["BUDDI_STATEMENT_TIMEOUT_SECONDS": value]) }
        }
        let bad = try await buddi(db, ["status"], environment: ["BUDDI_STATEMENT_TIMEOUT_SECONDS": "soon"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("BUDDI_STATEMENT_TIMEOUT_SECONDS must be 0 (none) or a number of seconds from 0.001 to 86400, got 'soon'"), "\(bad.output)")
    }

    @Test("buddi worker refuses a --timeout for a kind it does not run or out of range, and a completion delay its lease does not allow (bench queue too), naming the flag")
    func workerSettingsRefused() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        for (arguments, message) in [
            (["--timeout", "procss=5"], "--timeout names job kind 'procss', which this worker does not run (it runs: fetch, probe, process)"),
            (["--timeout", "fetch=0.0001"], "--timeout must be KIND=SECONDS with seconds from 0.001 to 604800 (a week), got 'fetch=0.0001'"),
            (["--timeout", "fetch"], "--timeout must be KIND=SECONDS"),
            (["--completion-delay-ms=-1"], "--completion-delay-ms must be from 0 to under 10000 (half of what is left of the lease after a heartbeat), got -1"),
            (["--lease-seconds", "3", "--completion-delay-ms", "1000"], "--completion-delay-ms must be from 0 to under 1000"),
        ] {
            let refused = try await buddi(db, ["worker"] + arguments)
            #expect(refused.status != 0, "\(arguments)")
            #expect(refused.output.contains(message), "\(arguments): \(refused.output)")
        }
        let bench = try await BuddiProcess.run(["bench", "queue", "--completion-delay-ms", "10000"], program: .lab, databaseURL: db.url.redacted)
        #expect(bench.status != 0)
        #expect(bench.output.contains("--completion-delay-ms must be from 0 to under 10000"), "\(bench.output)")
    }

    @Test("buddi audit: clean on a consistent database; names stranded conversations, process jobs naming missing rows, tokens of missing anchors and anchors two conversations name, and exits 1")
    func audit() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let clean = try await buddi(db, ["audit"])
        #expect(clean.status == 0, "\(clean.output)")
        #expect(clean.output.contains("nothing found"), "\(clean.output)")
        try await db.execute("INSERT INTO conversations (buddi_id, raw, processing_state) VALUES ('stranded', '{}', 'pending')")
        try await db.execute(#"INSERT INTO jobs (kind, args) VALUES ('process', '{"conversationIDs": [424242]}')"#)
        try await db.execute("INSERT INTO ledger_tokens (anchor_id, owner) VALUES (424242, 'ak_buddi')")
        try await db.execute("INSERT INTO conversations (buddi_id, raw, anchor_id, token_id) VALUES ('twin-1', '{}', 77, 78), ('twin-2', '{}', 77, 78)")
        let found = try await buddi(db, ["audit", "--json"])
        #expect(found.status == 1, "\(found.output)")
        #expect(found.output.contains(#""check" : "pending_without_work""#), "\(found.output)")
        #expect(found.output.contains("conversation 1 (stranded)"), "\(found.output)")
        #expect(found.output.contains(#""check" : "process_job_missing_conversation""#), "\(found.output)")
        #expect(found.output.contains(#""check" : "token_without_anchor""#), "\(found.output)")
        #expect(found.output.contains(#""check" : "shared_anchors""#), "\(found.output)")
        #expect(found.output.contains("anchor 77 named by 2 conversations"), "\(found.output)")
        #expect(found.output.contains("token 78 named by 2 conversations"), "\(found.output)")
        #expect(found.output.contains("audit failed: 5 inconsistencies"), "\(found.output)")
    }

    @Test("buddi config enforces the bounds; start and stop persist")
    func configAndScheduling() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let tooLong = try await buddi(db, ["config", "--fetch-interval-hours", "30"])
        #expect(tooLong.status == 64)
        #expect(tooLong.output.contains("--fetch-interval-hours must be from 1 to 24, got 30"), "\(tooLong.output)")
        let tooMany = try await buddi(db, ["config", "--max-conversations-per-fetch", "0"])
        #expect(tooMany.output.contains("--max-conversations-per-fetch must be from 1 to 1000, got 0"), "\(tooMany.output)")
        let changed = try await buddi(db, ["config", "--fetch-interval-hours", "6", "--json"])
        #expect(changed.status == 0, "\(changed.output)")
        #expect(changed.output.contains(#""fetch_interval_hours" : 6"#), "\(changed.output)")
        #expect(try await buddi(db, ["stop"]).status == 0)
        #expect(try await db.scalar("SELECT enabled FROM scheduler_settings", as: Bool.self) == false)
        #expect(try await buddi(db, ["start"]).output.contains("scheduling enabled: a fetch every 6 h"))
        let badEnvironment = try await buddi(db, ["status"], environment: ["SCHEDULER_MAX_CONVERSATIONS_PER_FETCH": "many"])
        #expect(badEnvironment.status == 1)
        #expect(badEnvironment.output == "buddi: SCHEDULER_MAX_CONVERSATIONS_PER_FETCH must be a whole number, got 'many'\n")
    }

    @Test("every setting a process reads is checked at start, before the database is reached: one line naming the variable", arguments: [
        (["worker"], ["BUDDI_API_BURST": "many"], "BUDDI_API_BURST"),
        (["scheduler"], ["SCHEDULER_FETCH_INTERVAL_HOURS": "soon"], "SCHEDULER_FETCH_INTERVAL_HOURS"),
        (["serve"], ["BUDDI_ADMIN_TOKEN": "s3cret-token", "BUDDI_ADMIN_TOKEN_FILE": "/nonexistent"], "BUDDI_ADMIN_TOKEN"),
        (["worker"], ["BUDDI_STATEMENT_TIMEOUT_SECONDS": "-1"], "BUDDI_STATEMENT_TIMEOUT_SECONDS"),
        (["serve"], ["BUDDI_TRACE_URL_TEMPLATE": "jaeger:16686/trace/{trace_id}"], "BUDDI_TRACE_URL_TEMPLATE must be an http:// or https:// URL"),
        (["serve"], ["BUDDI_TRACE_URL_TEMPLATE": "http://jaeger:16686/trace/"], "BUDDI_TRACE_URL_TEMPLATE must hold {trace_id}"),
        (["worker"], ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"], "OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json"),
        (["scheduler"], ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_SAMPLER": "sometimes"], "OTEL_TRACES_SAMPLER must be one of"),
        (["serve"], ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "2"], "OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, got '2'"),
        (["worker"], ["OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"], "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL"),
        (["worker"], ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_EXPORTER_OTLP_HEADERS": "Bearer s3cret-otel"], "OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs"),
        (["scheduler"], ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_PROPAGATORS": "tracecontext,baggage"], "OTEL_PROPAGATORS may list tracecontext or none only"),
    ])
    func settingsCheckedAtStart(_ arguments: [String], _ environment: [String: String], _ variable: String) async throws {
        let result = try await BuddiProcess.run(
            arguments, databaseURL: "postgres://buddi@127.0.0.1:1/buddi?sslmode=disable", environment: environment)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.hasPrefix("buddi: "), "\(result.output)")
        #expect(result.output.contains(variable), "\(result.output)")
        #expect(!result.output.contains("cannot reach"), "\(result.output)")
        #expect(!result.output.contains("s3cret"), "\(result.output)")
        #expect(result.output.split(separator: "\n").count == 1, "\(result.output)")
    }

    @Test("buddi jobs pause, resume and queues: a paused queue is listed and in the status; a bad name is refused naming it")
    func pauseAndResume() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.execute("INSERT INTO jobs (kind, queue) VALUES ('probe', 'imports')")
        let paused = try await buddi(db, ["jobs", "pause", "imports"])
        #expect(paused.status == 0, "\(paused.output)")
        #expect(paused.output.hasSuffix("queue imports paused\n"))
        let listed = try await buddi(db, ["jobs", "queues"])
        #expect(listed.output.contains("imports\tpaused since "), "\(listed.output)")
        #expect(try await buddi(db, ["status"]).output.contains("paused queues:  imports"))
        let json = try await buddi(db, ["jobs", "queues", "--json"])
        let queues = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]], "\(json.output)")
        #expect(queues.first?["waiting"] as? Int == 1)
        #expect(try await buddi(db, ["jobs", "resume", "imports"]).output.hasSuffix("queue imports resumed\n"))
        #expect(try await db.scalar("SELECT paused_at IS NULL FROM job_queues WHERE name = 'imports'", as: Bool.self) == true)
        let bad = try await buddi(db, ["jobs", "pause", ""])
        #expect(bad.status == 64)
        #expect(bad.output.contains("QUEUE: a queue name must be 1 to 200 bytes, without NUL, got 0 bytes"), "\(bad.output)")
    }

    @Test("buddi fetch is refused within the hour unless --force; buddi jobs lists, shows, cancels and retries")
    func fetchAndJobs() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let first = try await buddi(db, ["fetch"])
        #expect(first.status == 0, "\(first.output)")
        let busy = try await buddi(db, ["fetch"])
        #expect(busy.status == 1)
        #expect(busy.output.hasPrefix("buddi: a fetch is already in progress (job 1)"), "\(busy.output)")
        #expect(try await buddi(db, ["fetch", "--force"]).status == 0)

        let list = try await buddi(db, ["jobs", "list", "--kind", "fetch"])
        #expect(list.output.split(separator: "\n").count == 3, "\(list.output)")
        let show = try await buddi(db, ["jobs", "show", "2"])
        #expect(show.output.contains(#""kind" : "fetch""#), "\(show.output)")
        #expect(try await buddi(db, ["jobs", "cancel", "2"]).output.contains("job 2 cancelled"))
        #expect(try await db.scalar("SELECT state FROM jobs WHERE id = 2", as: String.self) == "cancelled")
        #expect(try await buddi(db, ["jobs", "retry", "2"]).output.contains("job 2 will run again"))
        #expect(try await db.scalar("SELECT state FROM jobs WHERE id = 2", as: String.self) == "available")
        let missing = try await buddi(db, ["jobs", "show", "99"])
        #expect(missing.status == 1)
        #expect(missing.output == "buddi: no job with id 99\n")
    }

    @Test("buddi serve on a non-loopback address without any token exits non-zero with one clear line (unless --allow-unauthenticated)")
    func serveRefusesOpenNetwork() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let refused = try await buddi(db, ["serve", "--host", "0.0.0.0", "--port", "0"])
        #expect(refused.status == 1)
        let lines = refused.output.split(separator: "\n").filter { !$0.contains(" info ") }
        #expect(lines.count == 1, "\(refused.output)")
        #expect(refused.output.contains("refusing to serve on 0.0.0.0 without BUDDI_ADMIN_TOKEN or BUDDI_READ_TOKEN"), "\(refused.output)")
        let served = try BuddiProcess(["serve", "--host", "0.0.0.0", "--port", "0", "--allow-unauthenticated"], databaseURL: db.url.redacted)
        #expect(try await eventually(timeout: .seconds(30)) { served.output.contains("buddi API listening") }, "\(served.output)")
        served.signal(SIGTERM)
        #expect(try await served.wait() == 0)
        let tokened = try BuddiProcess(["serve", "--host", "0.0.0.0", "--port", "0"], databaseURL: db.url.redacted, environment: ["BUDDI_READ_TOKEN": "r"])
        #expect(try await eventually(timeout: .seconds(30)) { tokened.output.contains("buddi API listening") }, "\(tokened.output)")
        tokened.signal(SIGTERM)
        #expect(try await tokened.wait() == 0)
    }

    @Test("buddi export streams to a file (renamed into place once complete) with filters; --mark-exported, then --exported false finds only what is new")
    func exportCommand() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.insertConversations(30)
        let path = NSTemporaryDirectory() + "buddi-export-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try await buddi(db, ["export", "--output", path, "--mark-exported"])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("exported 30 conversations to \(path)"), "\(first.output)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 30)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        try await db.insertConversations(5, prefix: "new")
        let csv = try await buddi(db, ["export", "--format", "csv", "--exported", "false"])
        #expect(csv.status == 0)
        #expect(csv.output.split(separator: "\n").filter { $0.hasPrefix("\"") }.count == 5, "\(csv.output)")
        let bad = try await buddi(db, ["export", "--sentiment", "cheerful"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("sentiment must be positive, negative or neutral, got 'cheerful'"), "\(bad.output)")
    }

    @Test("buddi serve: JSON log lines with --log-format json, answers on its port, exits 0 on SIGTERM")
    func serveWithJSONLogs() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let serve = try BuddiProcess(["serve", "--port", "0", "--log-format", "json"], databaseURL: db.url.redacted)
        #expect(try await eventually(timeout: .seconds(30)) { serve.output.contains("buddi API listening") }, "\(serve.output)")
        let lines = serve.output.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(!lines.isEmpty && lines.allSatisfy { $0 != nil }, "every line is a JSON object: \(serve.output)")
        let listening = try #require(lines.compactMap { $0 }.first { $0["message"] as? String == "buddi API listening" })
        #expect(listening["level"] as? String == "info")
        #expect(listening["time"] != nil)
        let port = try #require((listening["port"] as? String).flatMap(Int.init))
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
        request.method = .GET
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status.code == 200)
        serve.signal(SIGTERM)
        #expect(try await serve.wait(timeout: .seconds(30)) == 0, "\(serve.output)")
    }

    @Test("buddi demo --once: simulator, scheduler, workers and API together; a fetch, its progress and the summary")
    func demoOnce() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let demo = try await buddi(db, ["demo", "--once", "--port", "0", "--memories", "120"])
        #expect(demo.status == 0, "\(demo.output)")
        for line in ["fetched:     120 memories in 6 pages", "new:         120", "duplicates:  0", "sentiment:   ", "top topics:  ",
                     "ledger:      verified, 120 conversations, chain intact"] {
            #expect(demo.output.contains(line), "\(line) missing from: \(demo.output)")
        }
        #expect(try await db.scalar("SELECT count(*) FROM conversations WHERE processing_state = 'processed'", as: Int64.self) == 120)
        #expect(try await db.scalar("SELECT count(*) FROM fetch_runs WHERE outcome = 'succeeded'", as: Int64.self) == 1)
        #expect(try await db.scalar("SELECT count(*) FROM workers", as: Int64.self) == 0, "workers deregistered on the way out")
    }

    @Test("buddi worker --metrics-port serves the process's own job metrics as Prometheus text")
    func workerMetrics() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.execute("INSERT INTO jobs (kind) VALUES ('probe')")
        let worker = try BuddiProcess(["worker", "--metrics-port", "0", "--log-format", "json"], databaseURL: db.url.redacted)
        #expect(try await eventually(timeout: .seconds(30)) {
            try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'completed'", as: Int64.self) == 1
        }, "\(worker.output)")
        let listening = try #require(worker.output.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }.first { $0["message"] as? String == "metrics endpoint listening" })
        let port = try #require((listening["port"] as? String).flatMap(Int.init))
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
        request.method = .GET
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        #expect(response.status.code == 200)
        _ = try PrometheusTextCheck.parse(text)
        #expect(text.contains("jobqueue_job_runs_total"), "\(text)")
        #expect(text.contains(#"kind="probe""#), "\(text)")
        worker.signal(SIGTERM)
        #expect(try await worker.wait(timeout: .seconds(30)) == 0, "\(worker.output)")
    }
}

/// Progress lines: on a terminal (a pseudo-terminal made by util-linux's `script`), none in a pipe.
@Suite("Terminal progress", .serialized)
struct TerminalProgressTests {
    @Test("verify --all draws a progress line (count of total, share, rate) on a terminal; the demo and verify write none into a pipe")
    func progressOnTerminalOnly() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let demo = try await BuddiProcess.run(["demo", "--once", "--port", "0", "--memories", "60"], databaseURL: db.url.redacted)
        try #require(demo.status == 0, "\(demo.output)")
        #expect(!demo.output.contains("\u{1B}[2K"), "a pipe got a progress line: \(demo.output)")
        let piped = try await BuddiProcess.run(["verify", "--all"], databaseURL: db.url.redacted)
        #expect(piped.status == 0, "\(piped.output)")
        #expect(!piped.output.contains("\u{1B}[2K") && !piped.output.contains("\r"), "a pipe got a progress line: \(piped.output)")
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = db.url.redacted
        let terminal = try RunningProcess(
            ["/usr/bin/script", "-qec", "\(BuddiProcess.executable) verify --all", "/dev/null"], environment: environment, label: "buddi-pty")
        #expect(try await terminal.wait(timeout: .seconds(60)) == 0, "\(terminal.output)")
        #expect(terminal.output.contains("\u{1B}[2Kverified: 60 of 60 conversations (100%)"), "\(terminal.output.debugDescription)")
        #expect(terminal.output.contains("verified 60 conversation(s)"), "\(terminal.output)")
    }
}

/// The benchmarks' own baselines and usage figures (their speed is measured in release builds, not here).
@Suite("Benchmark reports", .serialized)
struct BenchmarkReportTests {
    private func json(_ output: String) throws -> [String: Any] {
        let line = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") }, "\(output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("bench queue --baseline runs the raw-SQL loop beside the engine and reports the ratio, the commit floor, its process's usage and what each costs a job in CPU, client and server; bench ingest runs its worker as a buddi worker process and reports that process's peak RSS, the CPU shares, and WAL and CPU per conversation")
    func baselineAndWorkerProcess() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let queue = try await BuddiProcess.run(["bench", "queue", "--jobs", "3000", "--pickup-jobs", "20", "--baseline", "--json"], program: .lab, databaseURL: db.url.redacted)
        #expect(queue.status == 0, "\(queue.output)")
        let report = try json(queue.output)
        #expect(report["completed"] as? Int == 3000 && report["duplicates"] as? Int == 0)
        for key in ["baseline_jobs_per_second", "ratio_to_baseline", "commit_floor_p50_ms", "peak_rss_mb", "cpu_seconds"] {
            #expect((report[key] as? Double ?? 0) > 0, "\(key) in \(report)")
        }
        // What the drain and the raw loop each cost a job, on the client and on the server.
        for key in ["drain_cpu_per_job", "baseline_cpu_per_job"] {
            let cpu = try #require(report[key] as? [String: Any], "\(key) in \(report)")
            for part in ["process_us", "postgres_us", "busy_share"] {
                #expect((cpu[part] as? Double ?? 0) > 0, "\(key).\(part) in \(cpu)")
            }
        }
        #expect(try await db.scalar("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'bench_raw_%'", as: Int64.self) == 0, "the scratch table is dropped")

        let ingest = try await BuddiProcess.run(["bench", "ingest", "--memories", "300", "--json"], program: .lab, databaseURL: db.url.redacted)
        #expect(ingest.status == 0, "\(ingest.output)")
        let figures = try json(ingest.output)
        #expect(figures["stored"] as? Int == 300 && figures["processed"] as? Int == 300 && figures["duplicates"] as? Int == 0, "\(figures)")
        let cpu = try #require(figures["cpu"] as? [String: Any])
        #expect(cpu["worker_processes"] as? Bool == true)
        #expect((figures["worker_peak_rss_mb"] as? Double ?? 0) > 1, "\(figures)")
        #expect((cpu["worker_cpu_seconds"] as? Double ?? 0) > 0 && (cpu["postgres_cpu_seconds"] as? Double ?? 0) > 0, "\(cpu)")
        // A conversation writes a row, its indexes and its ledger rows: more than a kilobyte of WAL.
        #expect((figures["wal_bytes_per_conversation"] as? Double ?? 0) > 1000, "\(figures)")
        let perConversation = try #require(figures["cpu_per_conversation"] as? [String: Any], "\(figures)")
        #expect((perConversation["worker_us"] as? Double ?? 0) > 0 && (perConversation["postgres_us"] as? Double ?? 0) > 0, "\(perConversation)")
    }

    @Test("bench webhooks sends signed deliveries to a real serve, each stored once, and reports deliveries/s, arrival to stored p50 and p99, and CPU per delivery")
    func webhookBench() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let run = try await BuddiProcess.run(
            ["bench", "webhooks", "--deliveries", "300", "--senders", "8", "--json"], program: .lab, databaseURL: db.url.redacted)
        #expect(run.status == 0, "\(run.output)")
        let report = try json(run.output)
        #expect(report["stored"] as? Int == 300 && report["acknowledged"] as? Int == 300 && report["failed"] as? Int == 0, "\(report)")
        for key in ["deliveries_per_second", "arrival_to_stored_p50_ms", "arrival_to_stored_p99_ms"] {
            #expect((report[key] as? Double ?? 0) > 0, "\(key) in \(report)")
        }
        let cpu = try #require(report["cpu_per_delivery"] as? [String: Any], "\(report)")
        #expect((cpu["serve_us"] as? Double ?? 0) > 0 && (cpu["postgres_us"] as? Double ?? 0) > 0, "\(cpu)")
    }

    @Test("bench soak feeds a steady rate with maintenance running and samples throughput, pick-up p99, the jobs table's size, dead tuples and autovacuums, in a scratch database it drops")
    func soak() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let before = try await db.scalar("SELECT count(*) FROM pg_database", as: Int64.self)
        let soak = try await BuddiProcess.run(
            ["bench", "soak", "--minutes", "0.25", "--rate", "200", "--sample-seconds", "5", "--retention-seconds", "2", "--json"], program: .lab,
            databaseURL: db.url.redacted)
        #expect(soak.status == 0, "\(soak.output)")
        let report = try json(soak.output)
        #expect(report["rate"] as? Int == 200)
        let samples = try #require(report["samples"] as? [[String: Any]])
        #expect(samples.count == 3, "\(samples)")
        for sample in samples {
            #expect((sample["jobs_per_second"] as? Double ?? 0) > 100, "\(sample)")
            #expect((sample["table_mb"] as? Double ?? 0) > 0 && (sample["pickup_p99_ms"] as? Double ?? 0) > 0, "\(sample)")
        }
        #expect(report["levelled_off"] is Bool)
        #expect(try await db.scalar("SELECT count(*) FROM pg_database", as: Int64.self) == before, "the scratch database is dropped")
        let refused = try await BuddiProcess.run(["bench", "soak", "--minutes", "0.1", "--sample-seconds", "10"], program: .lab, databaseURL: db.url.redacted)
        #expect(refused.status != 0 && refused.output.contains("--sample-seconds must not exceed the soak's length"), "\(refused.output)")
    }

    @Test("bench api fills a scratch database it drops, and times every read endpoint (each answering 200), buddi status and every monitoring view")
    func apiReads() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let before = try await db.scalar("SELECT count(*) FROM pg_database", as: Int64.self)
        let run = try await BuddiProcess.run(
            ["bench", "api", "--conversations", "3000", "--jobs", "3000", "--samples", "3", "--json"], program: .lab, databaseURL: db.url.redacted)
        #expect(run.status == 0, "\(run.output)")
        let report = try json(run.output)
        #expect(report["conversations"] as? Int == 3000 && report["jobs"] as? Int == 3000 && report["fetch_runs"] as? Int == 3)
        let endpoints = try #require(report["endpoints"] as? [[String: Any]])
        let names = endpoints.compactMap { $0["name"] as? String }
        for expected in ["GET /conversations/", "GET /conversations/?q=garden", "GET /conversations/{id}", "GET /api/jobs",
                         "GET /api/scheduler/status", "GET /metrics", "GET /conversations/?offset=100000 (deepest page)"] {
            #expect(names.contains(expected), "\(names)")
        }
        let queries = try #require(report["operator_queries"] as? [[String: Any]])
        #expect(queries.compactMap { $0["name"] as? String }.contains("buddi status"))
        #expect(queries.count == 9, "\(queries)")
        for timing in endpoints + queries {
            #expect((timing["p95_ms"] as? Double ?? 0) > 0 && (timing["p50_ms"] as? Double ?? 0) > 0, "\(timing)")
        }
        #expect(report["within_target"] is Bool && report["target_ms"] as? Double == 100)
        #expect(try await db.scalar("SELECT count(*) FROM pg_database", as: Int64.self) == before, "the scratch database is dropped")
    }
}
