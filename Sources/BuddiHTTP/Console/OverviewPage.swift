import BuddiPipeline
import Foundation
import Hummingbird
import JobQueue

/// `/`: the cluster at a glance — scheduling and its leader, the last and next fetch, workers,
/// the queue by state and its oldest waiting job, conversations, the last day's rates and
/// errors, and throughput per minute over the last hour and per hour over the last day.
struct OverviewPage {
    let dependencies: APIDependencies

    func register(on routes: ConsoleRoutes, router: Router<BasicRequestContext>) {
        let dependencies = dependencies
        routes.page(router, "/") { _, _, viewer in
            let status = try await ClusterStatus.read(client: dependencies.client, settings: dependencies.settings, logger: dependencies.logger)
            let hour = try await ActivitySeries.read(.lastHour, client: dependencies.client, logger: dependencies.logger)
            let day = try await ActivitySeries.read(.lastDay, client: dependencies.client, logger: dependencies.logger)
            return ConsolePage(section: "/", title: "Overview", content: Self.render(status, hour: hour, day: day, viewer: viewer))
        }
    }

    static func render(_ status: ClusterStatus, hour: ActivitySeries, day: ActivitySeries, viewer: ConsoleViewer) -> HTML {
        let scheduling: HTML = status.isRunning ? "<span class=\"ok\">on</span>" : "<span class=\"bad\">off</span>"
        let leader: HTML = status.schedulerLeader.map { "leader <span class=\"mono\">\($0.holder)</span>, term \($0.term)" } ?? "<span class=\"warn\">no leader</span>"
        let lastFetch: HTML = status.lastFetchTime == nil ? "never" :
            "\(ConsoleFormat.relative(status.lastFetchTime)) · <span class=\"outcome-\(status.lastFetchOutcome ?? "")\">\(status.lastFetchOutcome ?? "—")</span>"
        let next: HTML = status.fetchInProgress ? "in progress (job \(status.fetchInProgressJobID.map(String.init) ?? "?"))"
            : status.nextFetchTime.map { ConsoleFormat.relative($0) } ?? "—"
        let states = JobState.allCases.map { state -> HTML in
            "<tr><th scope=\"row\"><a class=\"state-\(state.rawValue)\" href=\"/ui/jobs?state=\(state.rawValue)\">\(state.rawValue)</a></th><td id=\"queue-\(state.rawValue)\">\(status.queue.byState[state.rawValue] ?? 0)</td></tr>"
        }
        let c = status.conversations
        let d = status.last24h
        return """
            <section id="overview-cards" data-live class="cards" aria-label="Figures">
            <div class="card"><h2>Scheduling</h2><p class="figure" id="scheduling">\(scheduling)</p><p>\(leader)<br>every \(status.fetchIntervalHours) h, up to \(status.maxConversationsPerFetch) per fetch</p></div>
            <div class="card"><h2>Fetches</h2><p>last: <span id="last-fetch">\(lastFetch)</span><br>next: \(next)</p>
              <p>24 h: \(d.fetchesSucceeded) succeeded, \(d.fetchesFailed) failed · success <span id="fetch-success">\(ConsoleFormat.percent(d.fetchSuccessRate))</span></p></div>
            <div class="card"><h2>Workers</h2><p class="figure"><span id="workers-alive">\(status.workers.alive)</span> alive</p><p><span id="workers-dead" class="\(status.workers.dead > 0 ? "bad" : "muted")">\(status.workers.dead) dead</span> · <a href="/ui/workers">details</a></p></div>
            <div class="card"><h2>Conversations</h2><p class="figure" id="conversations-total">\(c.total)</p>
              <p><span id="conversations-processed">\(c.processed)</span> processed · \(c.pending) pending · <span class="\(c.failed > 0 ? "bad" : "")">\(c.failed) failed</span> · \(c.rejected) rejected</p></div>
            <div class="card"><h2>Queue</h2><p class="figure"><span id="queue-waiting">\(status.queue.waiting)</span> waiting</p><p>oldest waiting \(ConsoleFormat.duration(status.queue.oldestWaitingSeconds))\(status.queue.pausedQueues.isEmpty ? "" : " · paused: \(status.queue.pausedQueues.joined(separator: ", "))")</p></div>
            <div class="card"><h2>Errors, 24 h</h2><p class="figure \(d.jobErrors + d.conversationsFailed > 0 ? "bad" : "")" id="errors-24h">\(d.jobErrors)</p><p>job errors · \(d.jobsDiscarded) discarded · \(d.conversationsFailed) conversations failed · \(d.memoriesRejected) memories rejected</p></div>
            <div class="card"><h2>Webhooks, 24 h</h2><p class="figure" id="webhooks-24h">\(d.webhookDeliveries[WebhookOutcome.stored.rawValue] ?? 0)</p><p>\(WebhookFigures.line(d.webhookDeliveries))</p></div>
            </section>
            <div class="grid2">
            <section id="overview-charts" data-live aria-label="Throughput">
            <h2>Last hour, per minute</h2>
            \(chart(hour, caption: "Jobs completed and conversations processed per minute, last hour"))
            <h2>Last day, per hour</h2>
            \(chart(day, caption: "Jobs completed and conversations processed per hour, last 24 hours"))
            </section>
            <section id="overview-queue" data-live aria-label="Queue by state">
            <h2>Jobs by state</h2>
            <table><tbody>\(states)</tbody></table>
            <p><a href="/ui/jobs">All jobs</a> · <a href="/ui/fetches">Fetch history</a></p>
            </section>
            </div>
            """
    }

    private static func chart(_ series: ActivitySeries, caption: String) -> HTML {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = series.span == .lastHour ? "HH:mm" : "HH:00"
        let stamp = { (date: Date) in formatter.string(from: date) }
        // Jobs and conversations side by side would halve each column: the chart stacks them.
        let columns = series.buckets.map { SVGChart.Column(label: "\(stamp($0.start)) UTC", parts: [$0.jobsCompleted, $0.conversationsProcessed]) }
        let axis = (series.buckets.first.map { stamp($0.start) } ?? "", (series.buckets.last.map { stamp($0.start) } ?? "") + " UTC")
        return SVGChart.columns(columns, classes: ["bar-jobs", "bar-conv"], legend: ["jobs completed", "conversations processed"], caption: caption, axis: axis)
    }
}
