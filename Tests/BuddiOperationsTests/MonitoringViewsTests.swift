import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import PostgresNIO
import Testing

/// The monitoring views of migration 0006, on a known state.
@Suite("Monitoring views")
struct MonitoringViewsTests {
    @Test("each view reports the known state: success rate, processing and errors per hour, growth, depth, oldest job")
    func views() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.insertConversations(4)
        try await db.execute("UPDATE conversations SET processing_state = 'failed', processing_error = 'bad' WHERE buddi_id = 'c-1'")
        try await db.execute("""
            INSERT INTO fetch_runs (job_id, trigger, outcome, started_at, finished_at)
            VALUES (101, 'manual', 'succeeded', now(), now()), (102, 'scheduled', 'failed', now(), now()),
                   (103, 'manual', 'running', now(), NULL)
            """)
        try await db.execute("""
            INSERT INTO jobs (kind, run_at, errors) VALUES
                ('probe', now() - interval '60 seconds', jsonb_build_array(jsonb_build_object('attempt', 1, 'at', now()::text, 'message', 'x'))),
                ('probe', now() + interval '1 hour', '[]')
            """)
        let rate = try #require(try await db.scalar(
            "SELECT fetches || '/' || succeeded || '/' || failed || '/' || success_rate FROM buddi_fetch_success_rate WHERE day = current_date",
            as: String.self))
        #expect(rate == "3/1/1/0.5000")
        #expect(try await db.scalar("SELECT count(*) FROM buddi_fetch_success_rate", as: Int64.self) == 30)
        #expect(try await db.scalar("SELECT sum(processed)::bigint FROM buddi_conversations_processed_per_hour", as: Int64.self) == 3)
        let errors = try #require(try await db.scalar(
            "SELECT sum(fetch_errors) || '/' || sum(processing_errors) || '/' || sum(job_errors) FROM buddi_errors_per_hour", as: String.self))
        #expect(errors == "1/1/1")
        let growth = try #require(try await db.scalar(
            "SELECT new_conversations || '/' || cumulative_conversations FROM buddi_database_growth_per_day WHERE day = current_date",
            as: String.self))
        #expect(growth == "4/4")
        #expect(try await db.scalar("SELECT jobs::bigint FROM buddi_queue_depth WHERE queue = 'default' AND state = 'available'", as: Int64.self) == 2)
        let waited = try #require(try await db.scalar(
            "SELECT oldest_waiting_seconds::float8 FROM buddi_queue_depth WHERE queue = 'default' AND state = 'available'", as: Double.self))
        #expect(waited >= 60 && waited < 600)
        #expect(try await db.scalar("SELECT job_id::bigint FROM buddi_oldest_waiting_job WHERE queue = 'default'", as: Int64.self) == 1)
    }
}

/// The shipped Grafana dashboards and Prometheus alert rules, against the real /metrics and views.
@Suite("Dashboards and alert rules", .serialized)
struct DashboardTests {
    /// The repository's root.
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func metricNames(in text: String) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: "buddi_[a-z_]+")
        return Set(pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text).map { String(text[$0]) } })
    }

    @Test("promtool checks and tests the alert rules, and every metric the rules and the cluster dashboard use is on /metrics")
    func alertRules() async throws {
        let prometheus = Self.root.appendingPathComponent("deploy/prometheus")
        for arguments in [["check", "rules", "alerts.yml"], ["test", "rules", "alerts.test.yml"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
            process.arguments = arguments
            process.currentDirectoryURL = prometheus
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "promtool \(arguments.joined(separator: " ")): \(text)")
            #expect(text.contains("SUCCESS"), "\(text)")
        }
        let rules = try String(contentsOf: prometheus.appendingPathComponent("alerts.yml"), encoding: .utf8)
        let dashboard = try String(contentsOf: Self.root.appendingPathComponent("deploy/grafana/buddi-cluster.json"), encoding: .utf8)
        try await APIHarness.with { api in
            let metrics = try await api.call(.GET, "/metrics").body
            // Every family is declared (# TYPE) even while it has no sample (no jobs yet, say).
            let exposed = Set(metrics.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(whereSeparator: { $0 == "{" || $0 == " " })
                if line.hasPrefix("# TYPE ") { return words.count > 2 ? String(words[2]) : nil }
                return line.hasPrefix("#") ? nil : words.first.map(String.init)
            })
            let histogramParts = exposed.map { $0.replacingOccurrences(of: "_bucket", with: "") }
            for name in Self.metricNames(in: rules).union(Self.metricNames(in: dashboard)) {
                #expect(exposed.contains(name) || histogramParts.contains(name), "\(name) is not on /metrics")
            }
        }
    }

    @Test("every query of the database-views dashboard runs against the schema")
    func viewsDashboard() async throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("deploy/grafana/buddi-views.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let queries = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["rawSql"] as? String } }
        #expect(queries.count == panels.count)
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        for query in queries {
            do {
                try await db.execute(PostgresQuery(unsafeSQL: "SELECT count(*) FROM (\(query)) AS q"))
            } catch {
                Issue.record("\(query): \(String(reflecting: error))")
            }
        }
    }
}
