import BuddiPipeline
import Foundation
import Hummingbird
import JobQueue

/// `/ui/workers`: each worker process — host, pid, queues, concurrency, heartbeat age — and the
/// jobs it is running.
struct WorkersPage {
    let dependencies: APIDependencies
    static let path = "/ui/workers"

    func register(on routes: ConsoleRoutes, router: Router<BasicRequestContext>) {
        let dependencies = dependencies
        let queue = Pipeline.queue(client: dependencies.client, logger: dependencies.logger)
        routes.page(router, RouterPath(Self.path)) { _, _, _ in
            let status = try await ClusterStatus.read(client: dependencies.client, settings: dependencies.settings, logger: dependencies.logger)
            let running = try await queue.list(state: .running, limit: Paging.maxLimit).map(JobView.init)
            return ConsolePage(section: Self.path, title: "Workers", content: Self.render(status.workers, running: running))
        }
    }

    static func render(_ workers: ClusterStatus.Workers, running: [JobView]) -> HTML {
        let byWorker = Dictionary(grouping: running, by: { $0.workerID ?? "" })
        let rows = workers.processes.map { worker -> HTML in
            let jobs = (byWorker[worker.id] ?? []).map { "<a href=\"/ui/jobs/\($0.id)\">\($0.id) \($0.kind)</a>" as HTML }
            return """
                <tr><td class="mono">\(worker.id)</td><td>\(worker.host)</td><td>\(worker.pid)</td><td>\(worker.queues.joined(separator: ", "))</td>\
                <td>\(worker.concurrency)</td><td class="\(worker.alive ? "ok" : "bad")">\(worker.alive ? "alive" : "dead")</td>\
                <td>\(ConsoleFormat.duration(worker.secondsSinceHeartbeat))</td><td>\(jobs.isEmpty ? "—" : HTML(joining: jobs, separator: ", "))</td></tr>
                """
        }
        return """
            <section id="workers" data-live aria-label="Workers">
            <p><span id="workers-alive">\(workers.alive)</span> alive, \(workers.dead) dead (alive: a heartbeat within 30 s).</p>
            <div class="table-wrap"><table><thead><tr><th>Worker</th><th>Host</th><th>Pid</th><th>Queues</th><th>Concurrency</th><th>State</th><th>Heartbeat age</th><th>Running</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            </section>
            """
    }
}
