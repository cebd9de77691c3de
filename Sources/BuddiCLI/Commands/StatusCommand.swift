import BuddiRuntime
import ArgumentParser
import BuddiPipeline
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
            var status = try await ClusterStatus.read(
                client: client, settings: SchedulerSettingsStore(client: client, defaults: defaults, logger: logger), logger: logger)
            status.databaseDisk = database.diskWatch(client: client, logger: logger).condition()
            return status
        }
        print(json ? try ControlJSON.encode(status, pretty: true) : StatusText(status: status).text)
    }
}

/// The status for people.
struct StatusText {
    let status: ClusterStatus

    var text: String {
        var lines: [String] = []
        let leader = status.schedulerLeader.map { "\($0.holder) (term \($0.term))" } ?? "none (no scheduler running)"
        lines.append("scheduling:     \(status.isRunning ? "enabled" : "disabled"), every \(status.fetchIntervalHours) h, at most \(status.maxConversationsPerFetch) per fetch")
        lines.append("leader:         \(leader)")
        if let time = status.lastFetchTime {
            var last = "\(format(time)) \(status.lastFetchOutcome ?? "")"
            if let summary = status.lastFetch, let new = summary.new {
                last += ": \(new) new, \(summary.duplicates ?? 0) duplicates, \(summary.pages ?? 0) pages"
            }
            if let error = status.lastFetchError { last += " (\(error))" }
            lines.append("last fetch:     \(last)")
        } else {
            lines.append("last fetch:     never")
        }
        let next: String
        if status.fetchInProgress {
            next = "after the fetch in progress (job \(status.fetchInProgressJobID.map(String.init) ?? "?"))"
        } else {
            next = status.nextFetchTime.map(format) ?? "none (scheduling disabled)"
        }
        lines.append("next fetch:     \(next)")
        lines.append("workers:        \(status.workers.alive) alive, \(status.workers.dead) dead")
        let states = status.queue.byState.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("queue:          \(states.isEmpty ? "empty" : states); oldest waiting \(String(format: "%.1f", status.queue.oldestWaitingSeconds)) s"
            + (status.queue.exact ? "" : " (finished jobs past 1,000 estimated)"))
        if !status.queue.pausedQueues.isEmpty {
            lines.append("paused queues:  \(status.queue.pausedQueues.joined(separator: ", "))")
        }
        let c = status.conversations
        lines.append("conversations:  \(c.total) stored, \(c.processed) processed, \(c.pending) pending, \(c.failed) failed; \(c.rejected) memories rejected (buddi rejected)"
            + (c.exact ? "" : " (counts past 1,000 estimated)"))
        let day = status.last24h
        lines.append("last 24 h:      fetches \(day.fetchesSucceeded) ok / \(day.fetchesFailed) failed (success \(percent(day.fetchSuccessRate))), "
            + "conversations \(day.conversationsProcessed) processed / \(day.conversationsFailed) failed (errors \(percent(day.processingErrorRate)))")
        let deliveries = WebhookOutcome.allCases.map { "\($0.rawValue) \(day.webhookDeliveries[$0.rawValue] ?? 0)" }.joined(separator: ", ")
        lines.append("webhooks 24 h:  \(deliveries)")
        if let disk = status.databaseDisk {
            let free = disk.freeBytes.map { ", \(ByteCountFormatter.string(fromByteCount: $0, countStyle: .binary)) free" } ?? ""
            lines.append("database disk:  " + (disk.full ? "FULL: \(disk.reason ?? "")" : "ok") + free)
        }
        return lines.joined(separator: "\n")
    }

    private func format(_ date: Date) -> String { date.formatted(.iso8601) }

    private func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a"
    }
}
