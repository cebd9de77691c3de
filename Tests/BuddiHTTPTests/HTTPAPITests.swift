import BuddiPipeline
@testable import BuddiHTTP
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import PostgresNIO
import PostgresResilience
import PostgresServer
import Logging
import Testing

@Suite("HTTP API", .serialized)
struct HTTPAPITests {
    @Test("config bounds: out of range or not a number is 422 naming the parameter, and nothing changes")
    func configBounds() async throws {
        try await APIHarness.with { api in
            for (query, message) in [
                ("fetch_interval_hours=30", "fetch_interval_hours must be from 1 to 24, got 30"),
                ("fetch_interval_hours=0", "fetch_interval_hours must be from 1 to 24, got 0"),
                ("max_conversations_per_fetch=1001", "max_conversations_per_fetch must be from 1 to 1000, got 1001"),
                ("max_conversations_per_fetch=lots", "max_conversations_per_fetch must be a whole number, got 'lots'"),
                ("", "give fetch_interval_hours and/or max_conversations_per_fetch"),
            ] {
                let reply = try await api.call(.POST, "/api/scheduler/config?\(query)")
                #expect(reply.status == 422, "\(query)")
                #expect(reply.json["message"] as? String == message)
                #expect(reply.json["error"] as? String == "invalid_parameter")
            }
            let status = try await api.call(.GET, "/api/scheduler/status").json
            #expect(status["fetch_interval_hours"] as? Int == 2)
            #expect(status["max_conversations_per_fetch"] as? Int == 50)

            let changed = try await api.call(.POST, "/api/scheduler/config?fetch_interval_hours=1&max_conversations_per_fetch=100")
            #expect(changed.status == 200)
            #expect(changed.json["fetch_interval_hours"] as? Int == 1)
            #expect(try await api.db.scalar("SELECT max_conversations_per_fetch FROM scheduler_settings", as: Int32.self) == 100)
        }
    }

    @Test("with both tokens: every read needs one of them, every write the admin token (401 without, 403 with the read token); /health and /metrics stay open")
    func accessControl() async throws {
        try await APIHarness.with(adminToken: "s3cret-token", readToken: "read-only-token") { api in
            let admin = [("Authorization", "Bearer s3cret-token")]
            let reader = [("Authorization", "Bearer read-only-token")]
            for path in ["/conversations/", "/api/scheduler/status", "/api/jobs", "/api/rejected-memories", "/api/conversations/export", "/openapi.yaml"] {
                for headers in [[], [("Authorization", "Bearer wrong")], [("Authorization", "read-only-token")]] {
                    let reply = try await api.call(.GET, path, headers: headers)
                    #expect(reply.status == 401, "\(path) \(headers)")
                    #expect(reply.headers.first(name: "www-authenticate") == "Bearer")
                    #expect(!reply.body.contains("s3cret") && !reply.body.contains("read-only-token"))
                }
                #expect(try await api.call(.GET, path, headers: reader).status == 200, "\(path)")
                #expect(try await api.call(.GET, path, headers: admin).status == 200, "\(path)")
            }
            #expect(try await api.call(.GET, "/health").status == 200)
            let metrics = try await api.call(.GET, "/metrics")
            #expect(metrics.status == 200)
            #expect(!metrics.body.contains("s3cret") && !metrics.body.contains("read-only-token"))
            for headers in [[], [("Authorization", "Bearer wrong")]] {
                let reply = try await api.call(.POST, "/api/scheduler/stop", headers: headers)
                #expect(reply.status == 401)
                #expect(reply.json["error"] as? String == "unauthorized")
            }
            let forbidden = try await api.call(.POST, "/api/scheduler/stop", headers: reader)
            #expect(forbidden.status == 403)
            #expect(forbidden.json["error"] as? String == "forbidden")
            #expect(try await api.call(.POST, "/api/conversations/export?mark_exported=true", headers: reader).status == 403)
            #expect(try await api.db.scalar("SELECT enabled FROM scheduler_settings", as: Bool.self) == true)
            let stopped = try await api.call(.POST, "/api/scheduler/stop", headers: admin)
            #expect(stopped.status == 200)
            #expect(try await api.call(.GET, "/api/scheduler/status", headers: reader).json["is_running"] as? Bool == false)
            #expect(try await api.call(.POST, "/api/scheduler/start", headers: admin).status == 200)
        }
    }

    @Test("queues: the admin token pauses and resumes a queue for the cluster, the read token cannot; listed, and in the status")
    func queuePauseAndResume() async throws {
        try await APIHarness.with(adminToken: "s3cret-token", readToken: "read-only-token") { api in
            let admin = [("Authorization", "Bearer s3cret-token")]
            let reader = [("Authorization", "Bearer read-only-token")]
            #expect(try await api.call(.POST, "/api/queues/default/pause", headers: reader).status == 403)
            #expect(try await api.db.scalar("SELECT count(*) FROM job_queues", as: Int64.self) == 0)
            let paused = try await api.call(.POST, "/api/queues/default/pause", headers: admin)
            #expect(paused.status == 200, "\(paused.body)")
            #expect(paused.json["paused"] as? Bool == true)
            let listed = try await api.call(.GET, "/api/queues", headers: reader)
            let items = listed.json["items"] as? [[String: Any]] ?? []
            #expect(items.first { $0["name"] as? String == "default" }?["paused_at"] is String, "\(listed.body)")
            let status = try await api.call(.GET, "/api/scheduler/status", headers: reader).json
            #expect((status["queue"] as? [String: Any])?["paused_queues"] as? [String] == ["default"])
            let resumed = try await api.call(.POST, "/api/queues/default/resume", headers: admin)
            #expect(resumed.json["paused"] as? Bool == false)
            #expect(try await api.db.scalar("SELECT paused_at IS NULL FROM job_queues WHERE name = 'default'", as: Bool.self) == true)
            let tooLong = try await api.call(.POST, "/api/queues/\(String(repeating: "q", count: 201))/pause", headers: admin)
            #expect(tooLong.status == 422, "\(tooLong.body)")
            #expect(tooLong.json["message"] as? String == "queue must be a queue name of 1 to 200 bytes, got '\(String(repeating: "q", count: 201))'")
            let after = try await api.call(.GET, "/api/queues", headers: reader).json["items"] as? [[String: Any]] ?? []
            #expect(after.first { $0["name"] as? String == "default" }?["paused_at"] is NSNull)
        }
    }

    @Test("a NUL in a query parameter is a 422 naming it (schemathesis found a 500), and a query past the statement timeout a 503")
    func hostileQueries() async throws {
        try await APIHarness.with { api in
            let reply = try await api.call(.GET, "/api/jobs?queue=a%00b")
            #expect(reply.status == 422)
            #expect(reply.json["message"] as? String == "query parameter queue contains U+0000 (NUL)")
            #expect(try await api.call(.GET, "/conversations/?q=\(String(repeating: "x", count: 201))").status == 422)
            // q is a word search: a q with no word in it is refused, naming what it needs.
            let wordless = try await api.call(.GET, "/conversations/?q=%3C%3E%21")
            #expect(wordless.status == 422)
            #expect((wordless.json["message"] as? String ?? "").contains("at least one letter or digit"), "\(wordless.json)")
            #expect(try await api.call(.GET, "/conversations/?offset=100001").status == 422)
        }
        let timeout = try await DatabaseClient.withTemporary(db: TestDatabase.make(), statementTimeoutMs: 200) { client, logger in
            do {
                for try await _ in try await client.query("SELECT pg_sleep(2)::text", logger: logger) {}
                return APIProblem(.ok, "none", "no timeout")
            } catch {
                return APIProblem.from(error)
            }
        }
        #expect(timeout.status == .serviceUnavailable)
        #expect(timeout.kind == "database_timeout")
    }

    @Test("at most 4 exports hold a slot; a dropped lease frees one, and one held past 15 minutes no longer counts")
    func exportSlots() {
        let slots = ExportSlots()
        var leases = (0..<ExportSlots.limit).compactMap { _ in slots.take() }
        #expect(leases.count == 4)
        #expect(slots.take() == nil)
        leases.removeLast()
        #expect(slots.take() != nil, "the dropped lease's slot is free (and the new lease is dropped at once)")
        #expect(slots.take() != nil)
        #expect(slots.take(now: Date() + ExportSlots.maxHold + 1) != nil, "slots held past maxHold no longer count")
        withExtendedLifetime(leases) {}
    }

    @Test("tokens from files (systemd credentials); a token given both ways, or an unreadable or empty file, is refused naming the variable")
    func tokensFromFiles() throws {
        let directory = NSTemporaryDirectory() + "buddi-tokens-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "from-a-file\n".write(toFile: directory + "/admin", atomically: true, encoding: .utf8)
        try "".write(toFile: directory + "/empty", atomically: true, encoding: .utf8)
        let access = try APIAccess.fromEnvironment(["BUDDI_ADMIN_TOKEN_FILE": directory + "/admin", "BUDDI_READ_TOKEN": "r"])
        #expect(access.isProtected)
        #expect(access.role(offering: "from-a-file") == .admin)
        #expect(access.role(offering: "r") == .reader)
        #expect(access.role(offering: "from-a-file\n") == nil)
        for (environment, message) in [
            (["BUDDI_ADMIN_TOKEN": "a", "BUDDI_ADMIN_TOKEN_FILE": directory + "/admin"], "give BUDDI_ADMIN_TOKEN or BUDDI_ADMIN_TOKEN_FILE, not both"),
            (["BUDDI_READ_TOKEN_FILE": directory + "/missing"], "BUDDI_READ_TOKEN_FILE names \(directory)/missing, which cannot be read"),
            (["BUDDI_ADMIN_TOKEN_FILE": directory + "/empty"], "BUDDI_ADMIN_TOKEN_FILE names \(directory)/empty, which is empty"),
        ] {
            #expect(throws: APIAccessError.self) { try APIAccess.fromEnvironment(environment) }
            do { _ = try APIAccess.fromEnvironment(environment) } catch { #expect("\(error)" == message) }
        }
        #expect(try !APIAccess.fromEnvironment([:]).isProtected)
    }

    @Test("manual fetch: 202, then 409 while in progress, 429 within the hour, and force overrides")
    func manualFetch() async throws {
        try await APIHarness.with { api in
            let first = try await api.call(.POST, "/api/scheduler/fetch")
            #expect(first.status == 202)
            let id = try #require(first.json["job_id"] as? Int)
            #expect(try await api.call(.POST, "/api/scheduler/fetch").status == 409)
            try await api.db.finishFetch(Int64(id), outcome: "succeeded", started: Date(), finished: Date())
            let limited = try await api.call(.POST, "/api/scheduler/fetch")
            #expect(limited.status == 429)
            #expect((limited.json["message"] as? String)?.hasPrefix("rate limited: the last fetch began at") == true)
            #expect(Int(limited.headers.first(name: "retry-after") ?? "") ?? 0 > 3000)
            #expect(try await api.call(.POST, "/api/scheduler/fetch?force=true&date=2026-11-01").status == 202)
            for (query, message) in [
                ("date=yesterday", "date must be a date as YYYY-MM-DD, got 'yesterday'"),
                ("since=2025-03-02&until=2025-03-01", "until (2025-03-01) is before since (2025-03-02)"),
                ("max_conversations=500000", "max_conversations must be from 1 to 100000, got 500000"),
                ("date=2025-03-01&since=2025-03-01", "give date or since, not both"),
            ] {
                let refused = try await api.call(.POST, "/api/scheduler/fetch?force=true&\(query)")
                #expect(refused.status == 422, "\(query)")
                #expect(refused.json["message"] as? String == message)
            }
            #expect(try await api.db.scalar("SELECT count(*) FROM fetch_runs WHERE trigger = 'manual'", as: Int64.self) == 2)
        }
    }

    @Test("the export streams 10,000 rows in pieces as JSON lines or CSV; a GET marks nothing, a POST with mark_exported marks what it delivers, and exported=false then finds nothing new")
    func export() async throws {
        try await APIHarness.with { api in
            try await api.db.insertConversations(10_000)
            try await api.db.execute(#"UPDATE conversations SET title = 'Plan, "quoted"' WHERE buddi_id = 'c-1'"#)
            let lines = try await api.call(.GET, "/api/conversations/export?format=jsonl")
            #expect(lines.status == 200)
            #expect(lines.headers.first(name: "content-length") == nil, "streamed, not sized up front")
            #expect(lines.parts > 1, "the body arrived in \(lines.parts) piece(s)")
            let rows = lines.body.split(separator: "\n")
            #expect(rows.count == 10_000)
            let ids = Set(rows.compactMap { row in
                ((try? JSONSerialization.jsonObject(with: Data(row.utf8))) as? [String: Any])?["buddi_id"] as? String
            })
            #expect(ids.count == 10_000)
            #expect(try await api.db.scalar("SELECT count(*) FROM conversations WHERE is_exported", as: Int64.self) == 0, "a GET changes nothing")
            let marked = try await api.call(.POST, "/api/conversations/export?mark_exported=true&sentiment=positive")
            #expect(marked.status == 200)
            let markedRows = marked.body.split(separator: "\n").count
            #expect(try await api.db.scalar("SELECT count(*) FROM conversations WHERE is_exported", as: Int64.self) == Int64(markedRows))
            #expect(try await api.call(.GET, "/api/conversations/export?sentiment=positive&exported=false").body.isEmpty)
            #expect(try await api.call(.GET, "/api/conversations/export?exported=false").body.split(separator: "\n").count == 10_000 - markedRows)
            #expect(try await api.call(.POST, "/api/conversations/export?mark_exported=maybe").status == 422)

            let csv = try await api.call(.GET, "/api/conversations/export?format=csv&sentiment=negative")
            let csvLines = csv.body.split(separator: "\n")
            #expect(csvLines.first?.hasPrefix("id,buddi_id,title,") == true)
            #expect(csvLines.count == 1 + 3334)
            #expect(csv.body.contains(#""c-1","Plan, ""quoted""","#))
            #expect(try await api.call(.GET, "/api/conversations/export?format=xml").status == 422)
        }
    }

    @Test("conversations: paging and filters, one by id, 404 and 422")
    func conversations() async throws {
        try await APIHarness.with { api in
            try await api.db.insertConversations(30)
            let page = try await api.call(.GET, "/conversations/?limit=5&offset=5").json
            #expect(page["total"] as? Int == 30)
            #expect((page["items"] as? [Any])?.count == 5)
            #expect(try await api.call(.GET, "/conversations/?sentiment=negative").json["total"] as? Int == 10)
            #expect(try await api.call(.GET, "/conversations/?min_quality=0.8").json["total"] as? Int == 6)
            #expect(try await api.call(.GET, "/conversations/?q=conversation%2017").json["total"] as? Int == 1)
            #expect(try await api.call(.GET, "/conversations/?topic=work&category=work").json["total"] as? Int == 30)
            #expect(try await api.call(.GET, "/conversations/c-7").json["title"] as? String == "Title 7")
            #expect(try await api.call(.GET, "/conversations/nope").status == 404)
            for bad in ["limit=0", "limit=1001", "sentiment=happy", "min_quality=2", "since=tuesday", "offset=-1"] {
                let reply = try await api.call(.GET, "/conversations/?\(bad)")
                #expect(reply.status == 422, "\(bad)")
            }
            #expect(try await api.call(.GET, "/conversations/nope/verify").status == 404)
        }
    }

    @Test("past 1,000 rows a listing and the status estimate their counts from the statistics and say so; below, they count; q finds by the word index")
    func boundedCounts() async throws {
        try await APIHarness.with { api in
            // Before any statistics, an estimate would be a guess from the table's size: counted.
            // (Autovacuum is kept off the table so that it stays unanalyzed until the ANALYZE.)
            try await api.db.execute("ALTER TABLE conversations SET (autovacuum_enabled = false)")
            try await api.db.insertConversations(10_500)
            #expect(try await api.db.scalar("SELECT reltuples < 0 FROM pg_class WHERE relname = 'conversations'", as: Bool.self) == true)
            let counted = try await api.call(.GET, "/conversations/").json
            #expect(counted["total"] as? Int == 10_500 && counted["total_exact"] as? Bool == true, "\(counted["total"] ?? "")")
            try await api.db.execute("ANALYZE conversations")
            let all = try await api.call(.GET, "/conversations/").json
            #expect(all["total_exact"] as? Bool == false, "\(all["total"] ?? "")")
            let estimate = all["total"] as? Int ?? 0
            #expect(abs(estimate - 10_500) < 1_000, "estimated \(estimate) of 10,500")
            let negative = try await api.call(.GET, "/conversations/?sentiment=negative").json
            #expect(negative["total_exact"] as? Bool == false && abs((negative["total"] as? Int ?? 0) - 3_500) < 500, "\(negative["total"] ?? "")")
            let few = try await api.call(.GET, "/conversations/?q=conversation%20104").json
            #expect(few["total"] as? Int == 111 && few["total_exact"] as? Bool == true, "\(few["total"] ?? "")")
            let one = try await api.call(.GET, "/conversations/?q=conversation%2010417").json
            #expect(one["total"] as? Int == 1 && one["total_exact"] as? Bool == true)
            let deep = try await api.call(.GET, "/conversations/?offset=10400&limit=200").json
            #expect((deep["items"] as? [[String: Any]])?.count == 100)
            #expect((deep["items"] as? [[String: Any]])?.last?["buddi_id"] as? String == "c-10500")

            let plan = try await api.db.plan(of: """
                SELECT id FROM conversations
                WHERE to_tsvector('simple', replace(replace(COALESCE(title, '') || ' ' || COALESCE(summary, ''), '<', ' '), '>', ' '))
                      @@ to_tsquery('simple', 'conversation:* & 10417:*')
                """, settings: ["enable_seqscan = off"])
            #expect(plan.contains("conversations_text_words"), "\(plan)")
            // Words, not substrings: a word's beginning is found, its middle is not.
            let prefix = try await api.call(.GET, "/conversations/?q=conversation%201041").json
            #expect(prefix["total"] as? Int == 11)
            let middle = try await api.call(.GET, "/conversations/?q=onversation%2010417").json
            #expect(middle["total"] as? Int == 0)

            let status = try await api.call(.GET, "/api/scheduler/status").json
            let conversations = try #require(status["conversations"] as? [String: Any])
            #expect(conversations["exact"] as? Bool == false && (conversations["total"] as? Int ?? 0) > 10_000, "\(conversations)")
            #expect(conversations["failed"] as? Int == 0)
        }
    }

    @Test("rejected memories: a page most recent first with the total, 422 for a bad limit; counted in the status and /metrics")
    func rejectedMemories() async throws {
        try await APIHarness.with { api in
            try await api.db.execute("""
                INSERT INTO rejected_memories (identity, fetch_job_id, position, buddi_id, reason, excerpt, last_seen_at) VALUES
                    ('a', 7, 0, 'mem-a', '`title` contains U+0000 (NUL), which PostgreSQL cannot store', '{"id":"mem-a"}', now() - interval '1 hour'),
                    ('b', 7, 3, NULL, '`id` is missing', '{"title":"x"}', now())
                """)
            let page = try await api.call(.GET, "/api/rejected-memories?limit=1")
            #expect(page.status == 200)
            #expect(page.json["total"] as? Int == 2)
            let items = try #require(page.json["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["reason"] as? String == "`id` is missing")
            #expect(items.first?["position"] as? Int == 3)
            let refused = try await api.call(.GET, "/api/rejected-memories?limit=0")
            #expect(refused.status == 422)
            let status = try await api.call(.GET, "/api/scheduler/status")
            #expect((status.json["conversations"] as? [String: Any])?["rejected"] as? Int == 2)
            #expect((status.json["last_24h"] as? [String: Any])?["memories_rejected"] as? Int == 2)
            let metrics = try await api.call(.GET, "/metrics")
            #expect(metrics.body.contains("buddi_rejected_memories 2"), "\(metrics.body.prefix(400))")
        }
    }

    @Test("/metrics parses as Prometheus text with the cluster's families")
    func metrics() async throws {
        try await APIHarness.with { api in
            try await api.db.insertConversations(3)
            _ = try await api.call(.POST, "/api/scheduler/fetch")
            try await api.db.execute("UPDATE fetch_runs SET outcome = 'failed', started_at = now(), finished_at = now(), duration_seconds = 2, api_errors = '{\"rate_limited\": 2}'")
            let reply = try await api.call(.GET, "/metrics")
            #expect(reply.status == 200)
            let families = try PrometheusTextCheck.parse(reply.body)
            for family in ["buddi_jobs", "buddi_conversations_processed_total", "buddi_conversations_failed_total",
                           "buddi_fetch_duration_seconds", "buddi_api_errors_total", "buddi_fetches_total"] {
                #expect(families[family] != nil, "\(family) missing")
            }
            #expect(reply.body.contains("buddi_api_errors_total{kind=\"rate_limited\"} 2"))
            #expect(reply.body.contains("buddi_fetch_duration_seconds_bucket{le=\"5\"} 1"))
            #expect(reply.body.contains("buddi_conversations_processed_total 3"))
        }
    }

    @Test("the OpenAPI document describes exactly the routes served, and every route answers")
    func openAPI() async throws {
        try await APIHarness.with { api in
            let served = try await api.call(.GET, "/openapi.yaml")
            #expect(served.status == 200)
            let documented = OpenAPIPaths.routes(in: served.body)
            #expect(documented == Set(api.routes.map(\.description)))
            #expect(documented.count == 22)
            for route in documented {
                let parts = route.split(separator: " ", maxSplits: 1)
                let path = parts[1].replacingOccurrences(of: "{id}", with: "1")
                let reply = try await api.call(parts[0] == "POST" ? .POST : .GET, path)
                #expect(!(reply.json["message"] as? String ?? "").hasPrefix("no route"), "\(route): \(reply.status) \(reply.body.prefix(200))")
                #expect(reply.status != 405 && reply.status < 500, "\(route): \(reply.status) \(reply.body.prefix(200))")
            }
            #expect(try await api.call(.GET, "/no/such/route").json["message"] as? String == "no route GET /no/such/route")
        }
    }

    @Test("/health: database reachable and schema current")
    func health() async throws {
        try await APIHarness.with { api in
            let reply = try await api.call(.GET, "/health")
            #expect(reply.status == 200)
            #expect(reply.json["schema"] as? String == "current")
            try await api.db.execute("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
            let stale = try await api.call(.GET, "/health")
            #expect(stale.status == 503)
            #expect(stale.json["status"] as? String == "unavailable")
        }
    }

    @Test(
        "a write refused for lack of space: /health answers degraded and says why, /metrics has buddi_database_disk_full 1, the status has database_disk",
        .enabled(if: canFillDisk, "mounting a tmpfs needs root, and the server must run on this machine"))
    func diskFull() async throws {
        try await APIHarness.with { api in
            let before = try await api.call(.GET, "/metrics").body
            #expect(before.contains("\nbuddi_database_disk_full 0\n"), "\(before)")
            try await withFullDisk(api.db) { _ in
                let health = try await api.call(.GET, "/health")
                #expect(health.status == 200)
                #expect(health.json["status"] as? String == "degraded")
                #expect((health.json["reason"] as? String)?.contains("SQLSTATE 53100") == true, "\(health.body)")
                #expect((health.json["disk"] as? [String: Any])?["full"] as? Bool == true)
                let metrics = try await api.call(.GET, "/metrics").body
                #expect(metrics.contains("\nbuddi_database_disk_full 1\n"))
                let status = try await api.call(.GET, "/api/scheduler/status")
                #expect((status.json["database_disk"] as? [String: Any])?["full"] as? Bool == true, "\(status.body)")
            }
        }
    }
}

/// The paths and methods of an OpenAPI document written as ours is: path keys at two spaces
/// under `paths:`, operations at four.
enum OpenAPIPaths {
    static func routes(in yaml: String) -> Set<String> {
        var routes = Set<String>()
        var path: String?
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            if !line.hasPrefix(" ") { inPaths = line == "paths:"; path = nil; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces)
                if ["get:", "post:", "put:", "delete:", "patch:"].contains(key) { routes.insert("\(key.dropLast().uppercased()) \(path)") }
            }
        }
        return routes
    }
}

extension DatabaseClient {
    /// Runs `body` with a client of `db` whose sessions have a statement timeout of `statementTimeoutMs`.
    static func withTemporary<T: Sendable>(
        db: TestDatabase, statementTimeoutMs: Int, _ body: @Sendable (DatabaseClient, Logger) async throws -> T
    ) async throws -> T {
        defer { Task { await db.drop() } }
        let client = DatabaseClient(configuration: db.url.clientConfiguration(limits: SessionLimits(statementTimeoutMs: statementTimeoutMs)), backgroundLogger: db.logger)
        return try await withServicesRunning(client: client, logger: db.logger) {
            return try await body(client, db.logger)
        }
    }
}
