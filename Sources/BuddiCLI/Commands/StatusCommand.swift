import BuddiRuntime
import ArgumentParser
import BuddiControl
import BuddiScheduler
import Foundation

/// `buddi status`: the scheduler, the last and next fetch, workers, the queue, conversations
/// and the last day's rates, as the database has them.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the scheduler, fetches, workers, queue depth and conversations.")

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print the status as one JSON object (the same as GET /api/scheduler/status).")
    var json = false

    func run() async throws {
        let logger = BuddiLogging.root
        let defaults = try BuddiEnvironment.current.scheduler()
        let status = try await database.withDatabase(logger: logger) { client, _ in
            try await ClusterStatus.read(client: client, settings: SchedulerSettingsStore(client: client, defaults: defaults, logger: logger), logger: logger)
        }
        print(json ? try ControlJSON.encode(status, pretty: true) : StatusText(status: status).text)
    }
}

/// The status for people.
struct StatusText {
    let status: ClusterStatus

    var text: String {
        var lines: [String] = []
        let leader = status.scheduler_leader.map { "\($0.holder) (term \($0.term))" } ?? "none (no scheduler running)"
        lines.append("scheduling:     \(status.is_running ? "enabled" : "disabled"), every \(status.fetch_interval_hours) h, at most \(status.max_conversations_per_fetch) per fetch")
        lines.append("leader:         \(leader)")
        if let time = status.last_fetch_time {
            var last = "\(format(time)) \(status.last_fetch_outcome ?? "")"
            if let summary = status.last_fetch, let new = summary.new {
                last += ": \(new) new, \(summary.duplicates ?? 0) duplicates, \(summary.pages ?? 0) pages"
            }
            if let error = status.last_fetch_error { last += " (\(error))" }
            lines.append("last fetch:     \(last)")
        } else {
            lines.append("last fetch:     never")
        }
        let next: String
        if status.fetch_in_progress {
            next = "after the fetch in progress (job \(status.fetch_in_progress_job_id.map(String.init) ?? "?"))"
        } else {
            next = status.next_fetch_time.map(format) ?? "none (scheduling disabled)"
        }
        lines.append("next fetch:     \(next)")
        lines.append("workers:        \(status.workers.alive) alive, \(status.workers.dead) dead")
        let states = status.queue.by_state.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("queue:          \(states.isEmpty ? "empty" : states); oldest waiting \(String(format: "%.1f", status.queue.oldest_waiting_seconds)) s")
        if !status.queue.paused_queues.isEmpty {
            lines.append("paused queues:  \(status.queue.paused_queues.joined(separator: ", "))")
        }
        let c = status.conversations
        lines.append("conversations:  \(c.total) stored, \(c.processed) processed, \(c.pending) pending, \(c.failed) failed; \(c.rejected) memories rejected (buddi rejected)")
        let day = status.last_24h
        lines.append("last 24 h:      fetches \(day.fetches_succeeded) ok / \(day.fetches_failed) failed (success \(percent(day.fetch_success_rate))), "
            + "conversations \(day.conversations_processed) processed / \(day.conversations_failed) failed (errors \(percent(day.processing_error_rate)))")
        return lines.joined(separator: "\n")
    }

    private func format(_ date: Date) -> String { date.formatted(.iso8601) }

    private func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a"
    }
}
