import PostgresResilience
import BuddiAPI
import BuddiLedger
import BuddiPipeline
import BuddiSimulator
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import JobQueue
import PostgresNIO
import Testing

@Suite("Ingestion pipeline", .serialized)
struct PipelineTests {
    @Test("2,000 memories, 3 worker processes, one fetch: each stored once, analysed, anchored, verified; a second fetch finds only duplicates")
    func endToEnd() async throws {
        try await PipelineWorld.with(memories: 2000) { world in
            let workers = try (0..<3).map { _ in try world.worker() }
            let fetch = try await world.fetch()
            #expect(fetch.state == .completed, "\(fetch.errors)")
            let first = try FetchOutcome(fetch)
            #expect(first.new == 2000)
            #expect(first.duplicates == 0)
            #expect(try await world.waitForProcessed(2000))

            #expect(try await world.count("SELECT count(*) FROM conversations") == 2000)
            #expect(try await world.count("""
                SELECT count(*) FROM conversations WHERE sentiment_label IS NOT NULL AND quality_score IS NOT NULL
                AND engagement_score IS NOT NULL AND cardinality(topics) > 0 AND merkle_root IS NOT NULL
                """) == 2000)
            #expect(try await world.count("SELECT count(DISTINCT anchor_id) + count(DISTINCT token_id) FROM conversations") == 4000)
            #expect(try await world.count("SELECT count(*) FROM ledger_anchors") == 2000)
            #expect(try await world.count("SELECT count(DISTINCT sentiment_label) FROM conversations") == 3)
            // Each conversation was written once, complete: no process job, no second row version,
            // its anchor and token never updated or locked; the transcript is stored once.
            #expect(try await world.count("SELECT count(*) FROM jobs WHERE kind = 'process'") == 0)
            #expect(try await world.count("""
                SELECT sum(n_tup_upd)::int8 FROM pg_stat_user_tables WHERE relname IN ('conversations', 'ledger_anchors', 'ledger_tokens')
                """) == 0)
            #expect(try await world.count("SELECT count(*) FROM conversations WHERE metadata IS NOT NULL") == 0)
            #expect(try await world.count("SELECT count(*) FROM ledger_anchors WHERE xmax <> 0 OR block_height IS NOT NULL") == 0)
            #expect(try await world.count("SELECT count(*) FROM ledger_tokens WHERE xmax <> 0") == 0)

            let verify = try await world.run(["verify", "--all"])
            #expect(verify.status == 0, "\(verify.output)")
            #expect(verify.output.contains("verified 2000 conversation(s)"))

            let again = try FetchOutcome(try await world.fetch())
            #expect(again.new == 0)
            #expect(again.duplicates == again.memories_seen)
            #expect(again.duplicates > 0)

            // A row changed behind buddi's back is found and named.
            let victim = try #require(try await world.db.scalar("SELECT buddi_id FROM conversations ORDER BY id LIMIT 1", as: String.self))
            try await world.db.execute("UPDATE conversations SET summary = 'rewritten' WHERE buddi_id = \(victim)")
            let tampered = try await world.run(["verify", victim])
            #expect(tampered.status == 1)
            #expect(tampered.output.contains("conversation \(victim): its fields no longer match its Merkle root"), "\(tampered.output)")
            let all = try await world.run(["verify", "--all"])
            #expect(all.status == 1)
            #expect(all.output.contains(victim))
            // So is an anchor changed behind buddi's back: named by the conversation it anchors.
            let anchored = try #require(try await world.db.scalar("SELECT buddi_id FROM conversations ORDER BY id DESC LIMIT 1", as: String.self))
            try await world.db.execute("""
                UPDATE ledger_anchors SET merkle_root = repeat('0', 64)
                WHERE id = (SELECT anchor_id FROM conversations WHERE buddi_id = \(anchored))
                """)
            let anchorChanged = try await world.run(["verify", "--all"])
            #expect(anchorChanged.status == 1)
            #expect(anchorChanged.output.contains("conversation \(anchored): "), "\(anchorChanged.output.suffix(2000))")
            for worker in workers { worker.signal(SIGTERM) }
            for worker in workers { #expect(try await worker.wait() == 0) }
        }
    }

    @Test("memories arriving in the simulator: the next fetch takes exactly those")
    func incremental() async throws {
        try await PipelineWorld.with(memories: 200, arrivalRate: 40) { world in
            let worker = try world.worker()
            let first = try FetchOutcome(try await world.fetch())
            #expect(first.new >= 200)
            try await Task.sleep(for: .seconds(1.5))
            let before = Set(await world.simulator.memoryIDs())
            let stored = try await world.count("SELECT count(*) FROM conversations")
            let second = try FetchOutcome(try await world.fetch())
            #expect(second.new >= before.count - Int(stored))
            #expect(second.new > 0)
            // Duplicates: the page that reaches the watermark, and memories that paging shows twice
            // because more arrive while the fetch walks. Each is counted, never stored twice.
            #expect(second.new + second.duplicates == second.memories_seen)
            var storedIDs = Set<String>()
            for try await id in try await world.db.client.query("SELECT buddi_id FROM conversations", logger: world.db.logger).decode(String.self) {
                storedIDs.insert(id)
            }
            #expect(before.isSubset(of: storedIDs))
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0)
        }
    }

    @Test("more memories arrive than a fetch takes, with pages repeating a memory at their boundary: later fetches walk the gap left behind, and every memory newer than the first stored is stored once")
    func gapsAreRemembered() async throws {
        try await PipelineWorld.with(memories: 300, faults: FaultPlan(duplicateRate: 0.3)) { world in
            let worker = try world.worker()
            let first = try FetchOutcome(try await world.fetch(max: 50))
            #expect(first.new == 50)
            #expect(try await world.count("SELECT count(*) FROM fetch_gaps") == 0, "the first fetch's older history is the backfill's")
            await world.simulator.arrive(120)
            let second = try FetchOutcome(try await world.fetch(max: 50))
            #expect(second.new == 50, "a repeat never counts toward the maximum")
            #expect(try await world.count("SELECT count(*) FROM fetch_gaps") == 1)
            let third = try FetchOutcome(try await world.fetch(max: 50))
            #expect(third.new == 50)
            let fourth = try FetchOutcome(try await world.fetch(max: 50))
            #expect(fourth.new == 20)
            #expect(try await world.count("SELECT count(*) FROM fetch_gaps") == 0)
            // Every memory from the oldest the first fetch stored up to the newest is stored, once.
            let expected = Array(await world.simulator.memoryIDs().prefix(170))
            var stored = Set<String>()
            for try await id in try await world.db.client.query("SELECT buddi_id FROM conversations", logger: world.db.logger).decode(String.self) {
                stored.insert(id)
            }
            #expect(Set(expected).isSubset(of: stored), "missing: \(Set(expected).subtracting(stored).sorted().prefix(5))")
            #expect(stored.count == 170)
            #expect(await world.simulator.injectedFaults()[.duplicateMemory] ?? 0 > 0, "pages did repeat memories")
            #expect(try await world.waitForProcessed(170))
            let audit = try await world.run(["audit"])
            #expect(audit.status == 0, "\(audit.output)")
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0)
        }
    }

    @Test("a fetch cut at its maximum on the API's last page leaves the rest of that page as a gap, which the next fetch takes")
    func cutLastPage() async throws {
        try await PipelineWorld.with(memories: 3) { world in
            let worker = try world.worker()
            #expect(try FetchOutcome(try await world.fetch(max: 1)).new == 1)
            await world.simulator.arrive(5)
            // One page of 8 memories, the last one: cut after 2.
            #expect(try FetchOutcome(try await world.fetch(max: 2)).new == 2)
            #expect(try await world.count("SELECT count(*) FROM fetch_gaps") == 1)
            #expect(try FetchOutcome(try await world.fetch(max: 10)).new == 3)
            #expect(try await world.count("SELECT count(*) FROM fetch_gaps") == 0)
            let newest = Array(await world.simulator.memoryIDs().prefix(6))
            #expect(try await world.count("SELECT count(*) FROM conversations WHERE buddi_id = ANY(\(newest))") == 6)
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0)
        }
    }

    @Test("a worker killed with SIGKILL mid-processing: every conversation processed once, no duplicate anchor or token")
    func crashMidProcessing() async throws {
        try await PipelineWorld.with(memories: 3000) { world in
            let doomed = try world.worker(["--lease-seconds", "2", "--rescue-interval-seconds", "0.5"])
            let survivor = try world.worker(["--lease-seconds", "2", "--rescue-interval-seconds", "0.5"])
            let queue = Pipeline.queue(client: world.db.client, logger: world.db.logger)
            try await queue.enqueue(NewJob(FetchArgsForTests(maxConversations: 3000)))
            #expect(try await eventually(timeout: .seconds(60)) {
                try await world.count("SELECT count(*) FROM conversations WHERE processing_state = 'processed'") > 100
            })
            doomed.signal(SIGKILL)
            #expect(try await doomed.wait() == 128 + SIGKILL)
            #expect(try await world.waitForProcessed(3000))
            survivor.signal(SIGTERM)
            #expect(try await survivor.wait() == 0, "\(survivor.output.suffix(1500))")
            #expect(try await world.count("SELECT count(*) FROM conversations") == 3000)
            #expect(try await world.count("SELECT count(*) FROM ledger_anchors") == 3000)
            #expect(try await world.count("SELECT count(*) FROM ledger_tokens") == 3000)
            #expect(try await world.count("SELECT count(DISTINCT anchor_id) FROM conversations") == 3000)
            let verify = try await world.run(["verify", "--all"])
            #expect(verify.status == 0, "\(verify.output.suffix(1500))")
        }
    }

    @Test("a memory that cannot be processed is recorded with its reason; the rest of its batch is stored")
    func unprocessableMemory() async throws {
        try await PipelineWorld.with(memories: 20) { world in
            let worker = try world.worker()
            _ = try await world.fetch()
            #expect(try await world.waitForProcessed(20))
            try await world.db.execute("""
                INSERT INTO conversations (buddi_id, raw) VALUES ('broken-1', '{"title": "no id here"}')
                """)
            let broken = try #require(try await world.db.scalar("SELECT id FROM conversations WHERE buddi_id = 'broken-1'", as: Int64.self))
            try await world.db.execute("UPDATE conversations SET processing_state = 'pending' WHERE id IN (\(broken), 1)")
            try await world.db.execute("UPDATE conversations SET merkle_root = NULL, anchor_id = NULL, token_id = NULL, sentiment_label = NULL WHERE id = 1")
            let queue = Pipeline.queue(client: world.db.client, logger: world.db.logger)
            let job = try await queue.enqueue(NewJob(ProcessArgsForTests(conversationIDs: [1, broken]))).id
            #expect(try await eventually { try await queue.job(id: job)?.state == .completed })
            #expect(try await world.db.scalar("SELECT processing_state FROM conversations WHERE id = \(broken)", as: String.self) == "failed")
            let reason = try await world.db.scalar("SELECT processing_error FROM conversations WHERE id = \(broken)", as: String.self) ?? ""
            #expect(reason.contains("id"), "\(reason)")
            #expect(try await world.db.scalar("SELECT processing_state FROM conversations WHERE id = 1", as: String.self) == "processed")
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0)
        }
    }

    @Test("buddi fetch --wait follows the fetch and its processing and prints the result; a discarded fetch exits 1 naming why")
    func fetchWait() async throws {
        try await PipelineWorld.with(memories: 40) { world in
            let worker = try world.worker()
            let fetched = try await world.run(["fetch", "--wait", "--max-conversations", "30"])
            #expect(fetched.status == 0, "\(fetched.output)")
            #expect(fetched.output.contains(#""new": 30"#), "\(fetched.output)")
            #expect(fetched.output.contains("processed 30 of 30 new conversations, 0 failed"), "\(fetched.output)")
            #expect(try await world.count("SELECT count(*) FROM conversations WHERE processing_state = 'processed'") == 30)
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0)

            let rejected = try BuddiProcess(
                ["worker", "--poll-interval-ms", "200"], databaseURL: world.db.url.redacted,
                environment: world.environment.merging(["BUDDI_API_KEY": "wrong-key"]) { $1 })
            let failed = try await world.run(["fetch", "--wait", "--force"])
            #expect(failed.status == 1)
            #expect(failed.output.contains(" discarded: BUDDI_API_KEY missing or rejected by 127.0.0.1"), "\(failed.output)")
            rejected.signal(SIGTERM)
            #expect(try await rejected.wait() == 0)
        }
    }

    @Test("cancelling a running fetch stops its walk and its store at once; what was stored stays")
    func cancelRunningFetch() async throws {
        // 100 pages at 150 ms each: the walk would take 15 s to run out by itself.
        try await PipelineWorld.with(memories: 2000, faults: FaultPlan(latency: .milliseconds(150))) { world in
            let worker = try world.worker()
            let queue = Pipeline.queue(client: world.db.client, logger: world.db.logger)
            let id = try await queue.enqueue(NewJob(FetchArgsForTests(maxConversations: 2000))).id
            #expect(try await eventually(timeout: .seconds(30)) {
                try await world.count("SELECT count(*) FROM conversations") > 0
            })
            #expect(try await queue.cancel(id: id) == .running)
            #expect(try await eventually(timeout: .seconds(2)) { try await queue.job(id: id)?.state == .cancelled })
            let stored = try await world.count("SELECT count(*) FROM conversations")
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await world.count("SELECT count(*) FROM conversations") == stored, "nothing stored after the cancel")
            #expect(stored < 1000)
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0, "\(worker.output.suffix(2000))")
        }
    }

    @Test("a rejected API key discards the fetch at once with the clear error, and stores nothing")
    func unauthorized() async throws {
        try await PipelineWorld.with(memories: 20) { world in
            let worker = try BuddiProcess(
                ["worker", "--poll-interval-ms", "200"], databaseURL: world.db.url.redacted,
                environment: world.environment.merging(["BUDDI_API_KEY": "wrong-key"]) { $1 })
            let fetch = try await world.fetch()
            #expect(fetch.state == .discarded)
            #expect(fetch.attempt == 1)
            #expect(fetch.errors.first?.message.hasPrefix("BUDDI_API_KEY missing or rejected by 127.0.0.1") == true, "\(fetch.errors)")
            #expect(!(fetch.errors.first?.message.contains("wrong-key") ?? true))
            #expect(!worker.output.contains("wrong-key"))
            #expect(try await world.count("SELECT count(*) FROM conversations") == 0)
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0)
        }
    }

    @Test("no secret (API key, tokens) reaches a worker's or serve's log (at trace level), job rows, fetch runs, the status or the job listing")
    func secretsStayPut() async throws {
        try await PipelineWorld.with(memories: 40) { world in
            let secrets = ["BUDDI_ADMIN_TOKEN": "adm-7b1e-SECRET", "BUDDI_READ_TOKEN": "rd-44c0-SECRET", "LOG_LEVEL": "trace"]
            // One worker with the right key ingests; one with a wrong (secret) key fails its fetch.
            let worker = try world.worker(settings: secrets)
            #expect(try await world.fetch().state == .completed)
            #expect(try await world.waitForProcessed(40))
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0)
            let wrong = try world.worker(settings: secrets.merging(["BUDDI_API_KEY": "sk-wrong-SECRET"]) { $1 })
            #expect(try await world.fetch().state == .discarded)
            wrong.signal(SIGTERM)
            #expect(try await wrong.wait() == 0)
            let serve = try BuddiProcess(["serve", "--port", "0"], databaseURL: world.db.url.redacted, environment: world.environment.merging(secrets) { $1 })
            #expect(try await eventually(timeout: .seconds(30)) { serve.output.contains("buddi API listening") }, "\(serve.output)")
            let status = try await world.run(["status", "--json"])
            let jobs = try await world.run(["jobs", "list", "--json"])
            serve.signal(SIGTERM)
            #expect(try await serve.wait() == 0)
            for (what, text) in [("worker log", worker.output), ("failing worker log", wrong.output), ("serve log", serve.output),
                                 ("status", status.output), ("jobs", jobs.output)] {
                #expect(!text.contains("SECRET") && !text.contains("test-key"), "\(what) holds a secret")
            }
            #expect(wrong.output.contains("BUDDI_API_KEY missing or rejected"), "the failure is still said")
            #expect(try await world.count("""
                SELECT count(*) FROM jobs WHERE args::text || errors::text || COALESCE(result::text, '') || COALESCE(progress::text, '')
                    ~ '(SECRET|test-key)'
                """) == 0)
            #expect(try await world.count("SELECT count(*) FROM fetch_runs WHERE COALESCE(error, '') || api_errors::text ~ '(SECRET|test-key)'") == 0)
        }
    }

    @Test("a failed fetch is recorded with its API errors by kind and retried after the error-recovery delay")
    func failedFetch() async throws {
        try await PipelineWorld.with(memories: 20, faults: FaultPlan(serverErrorRate: 1)) { world in
            let configuration = BuddiAPIConfiguration(
                baseURL: world.apiURL, apiKey: BuddiAPIKey("test-key"), retry: RetryPolicy(maxRetries: 2, initialBackoff: .milliseconds(10)),
                requestsPerSecond: 1000, burst: 100)
            try await BuddiAPIClient.withClient(configuration: configuration, logger: world.db.logger) { api in
                var registry = JobRegistry()
                let client = world.db.client, logger = world.db.logger
                Pipeline.register(into: &registry, client: client, api: api, ledger: PostgresLedger(client: client, logger: logger), logger: logger)
                let queue = Pipeline.queue(client: client, logger: logger)
                let id = try await queue.enqueue(NewJob(FetchArgsForTests(maxConversations: 20), maxAttempts: 3)).id
                try await world.db.execute("INSERT INTO fetch_runs (job_id, trigger) VALUES (\(id), 'manual')")
                let worker = JobWorker(client: client, registry: registry, configuration: WorkerConfiguration(), logger: logger)
                let failed = try await withServicesRunning([worker], logger: logger) {
                    try await eventually(timeout: .seconds(30)) { try await queue.job(id: id)?.state == .retryable }
                }
                #expect(failed)
                #expect(try await world.db.scalar("SELECT outcome FROM fetch_runs WHERE job_id = \(id)", as: String.self) == "failed")
                #expect(try await world.db.scalar("SELECT api_errors::text FROM fetch_runs WHERE job_id = \(id)", as: String.self) == #"{"unavailable": 3}"#)
                let error = try #require(try await world.db.scalar("SELECT error FROM fetch_runs WHERE job_id = \(id)", as: String.self))
                #expect(error.hasPrefix("The Buddi API is unavailable: 3 attempts failed, the last with HTTP 500"), "\(error)")
                let wait = try #require(try await world.db.scalar(
                    "SELECT EXTRACT(EPOCH FROM run_at - now())::float8 FROM jobs WHERE id = \(id)", as: Double.self))
                #expect((280...301).contains(wait), "retried after the 5 min error-recovery delay, not \(wait) s")
            }
        }
    }
}

/// The process job's arguments as the worker reads them.
struct ProcessArgsForTests: JobArgs {
    static let kind = "process"
    var conversationIDs: [Int64]
}
