import PostgresResilience
import Foundation
import JobQueue
import Logging
import PostgresNIO

/// The cluster's metrics in the Prometheus text format, read from the database so that any
/// `buddi serve` reports the whole cluster, not its own process: jobs by state, conversations
/// processed and failed, memories rejected, fetches by outcome with a duration histogram, Buddi
/// API errors by kind, workers alive and dead, and what the alert rules watch: whether
/// scheduling is enabled, its interval, whether the elections have leaders, when the last
/// successful fetch began, fetches in progress.
package enum ClusterMetrics {
    /// Upper bounds of the fetch duration histogram, in seconds.
    static let fetchDurationBuckets: [Double] = [1, 5, 15, 30, 60, 120, 300, 600, 1800]

    /// Renders every metric family.
    package static func render(client: DatabaseClient, logger: Logger) async throws -> String {
        var text = PrometheusText()
        let queue = Pipeline.queue(client: client, logger: logger)
        text.family("buddi_jobs", type: "gauge", help: "Jobs in the queue table by queue and state.")
        var oldest: [String: Double] = [:]
        for depth in try await queue.depth() {
            text.sample("buddi_jobs", ["queue": depth.queue, "state": depth.state.rawValue], Double(depth.count))
            oldest[depth.queue] = max(oldest[depth.queue] ?? 0, depth.oldestWaitingSeconds)
        }
        text.family("buddi_queue_oldest_waiting_seconds", type: "gauge", help: "How long the oldest due job of each queue has waited.")
        for (name, seconds) in oldest.sorted(by: { $0.key < $1.key }) {
            text.sample("buddi_queue_oldest_waiting_seconds", ["queue": name], seconds)
        }

        let workers = try await queue.workers()
        text.family("buddi_workers", type: "gauge", help: "Registered worker processes by liveness (heartbeat within 30 s).")
        text.sample("buddi_workers", ["status": "alive"], Double(workers.filter { $0.isAlive() }.count))
        text.sample("buddi_workers", ["status": "dead"], Double(workers.filter { !$0.isAlive() }.count))

        let conversations = try await ClusterStatus.ConversationCounts.read(client: client, logger: logger)
        text.family("buddi_rejected_memories", type: "gauge", help: "Memories fetches could not store (rows of rejected_memories).")
        text.sample("buddi_rejected_memories", [:], Double(conversations.rejected))
        text.family(
            "buddi_conversations_stored_total", type: "counter",
            help: "Conversations stored (counted up to 1,000, estimated from the table's statistics above).")
        text.sample("buddi_conversations_stored_total", [:], Double(conversations.total))
        text.family("buddi_conversations_processed_total", type: "counter", help: "Conversations analysed and anchored (likewise).")
        text.sample("buddi_conversations_processed_total", [:], Double(conversations.processed))
        text.family("buddi_conversations_failed_total", type: "counter", help: "Conversations that could not be processed (likewise).")
        text.sample("buddi_conversations_failed_total", [:], Double(conversations.failed))

        text.family("buddi_fetches_total", type: "counter", help: "Fetches by outcome.")
        for try await (outcome, count) in try await client.query(ControlSQL.fetchOutcomes, logger: logger).decode((String, Int64).self) {
            text.sample("buddi_fetches_total", ["outcome": outcome], Double(count))
        }

        text.family("buddi_fetch_duration_seconds", type: "histogram", help: "Duration of finished fetches.")
        for try await row in try await client.query(ControlSQL.fetchDurationHistogram(buckets: fetchDurationBuckets), logger: logger) {
            let columns = row.makeRandomAccess()
            for (index, bound) in fetchDurationBuckets.enumerated() {
                text.sample("buddi_fetch_duration_seconds_bucket", ["le": PrometheusText.number(bound)], Double(try columns[index].decode(Int64.self)))
            }
            let count = Double(try columns[fetchDurationBuckets.count].decode(Int64.self))
            text.sample("buddi_fetch_duration_seconds_bucket", ["le": "+Inf"], count)
            text.sample("buddi_fetch_duration_seconds_sum", [:], try columns[fetchDurationBuckets.count + 1].decode(Double.self))
            text.sample("buddi_fetch_duration_seconds_count", [:], count)
        }

        let gauges = try await client.query(ControlSQL.schedulerGauges, logger: logger).decode((Bool, Int64, Bool, Bool, Double, Int64).self)
        for try await (enabled, intervalHours, schedulerLeader, maintenanceLeader, lastSuccess, inProgress) in gauges {
            text.family("buddi_scheduling_enabled", type: "gauge", help: "1 while scheduled fetches are enabled (buddi start), 0 while stopped.")
            text.sample("buddi_scheduling_enabled", [:], enabled ? 1 : 0)
            text.family("buddi_fetch_interval_seconds", type: "gauge", help: "The scheduler's fetch interval.")
            text.sample("buddi_fetch_interval_seconds", [:], Double(intervalHours * 3600))
            text.family("buddi_leader_present", type: "gauge", help: "1 when the election has a leader whose lease has not expired.")
            text.sample("buddi_leader_present", ["election": "maintenance"], maintenanceLeader ? 1 : 0)
            text.sample("buddi_leader_present", ["election": "scheduler"], schedulerLeader ? 1 : 0)
            text.family("buddi_last_successful_fetch_timestamp_seconds", type: "gauge", help: "When the last successful fetch began (Unix time; 0 if none ever did).")
            text.sample("buddi_last_successful_fetch_timestamp_seconds", [:], lastSuccess)
            text.family("buddi_fetches_in_progress", type: "gauge", help: "Fetches asked for or running, not yet finished.")
            text.sample("buddi_fetches_in_progress", [:], Double(inProgress))
        }

        text.family("buddi_api_errors_total", type: "counter", help: "Failed Buddi API calls during fetches, by kind.")
        for try await (kind, count) in try await client.query(ControlSQL.apiErrorsByKind, logger: logger).decode((String, Int64).self) {
            text.sample("buddi_api_errors_total", ["kind": kind], Double(count))
        }
        return text.output
    }
}
