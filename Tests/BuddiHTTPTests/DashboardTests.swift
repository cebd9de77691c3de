import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import PostgresNIO
import Testing

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
