import BuddiPipeline
import Foundation
import Hummingbird
import JobQueue

/// `/ui/jobs`: jobs filtered by state, kind and queue; `/ui/jobs/{id}`: one job's arguments,
/// result, progress, error history and timeline, with retry and cancel.
struct JobsPage {
    let dependencies: APIDependencies
    static let path = "/ui/jobs"

    func register(on routes: ConsoleRoutes, router: Router<BasicRequestContext>) {
        let queue = Pipeline.queue(client: dependencies.client, logger: dependencies.logger)
        routes.page(router, RouterPath(Self.path)) { request, _, _ in
            let parameters = request.parameters
            let paging = try Paging(parameters: parameters)
            // A form sends its blank fields too: blank means "any".
            let state = try jobState(parameters.filter { !$0.value.isEmpty })
            let kind = parameters["kind"].flatMap { $0.isEmpty ? nil : $0 }
            let queueName = parameters["queue"].flatMap { $0.isEmpty ? nil : $0 }
            let jobs = try await queue.list(state: state, kind: kind, queue: queueName, limit: paging.limit, offset: paging.offset).map(JobView.init)
            return ConsolePage(section: Self.path, title: "Jobs", content: Self.list(jobs, parameters: parameters, paging: paging))
        }
        routes.page(router, "/ui/jobs/:id") { _, context, viewer in
            let id = try jobID(context)
            guard let job = try await queue.job(id: id) else { throw JobQueueError.jobNotFound(id) }
            return ConsolePage(section: Self.path, title: "Job \(id)", content: Self.detail(JobView(job), viewer: viewer, traceURLs: dependencies.traceURLs))
        }
        routes.action(router, "/ui/jobs/:id/retry") { action in
            let id = try jobID(action.context)
            try await queue.retry(id: id)
            return .redirect("\(Self.path)/\(id)", notice: "Job \(id) will run again")
        }
        routes.action(router, "/ui/jobs/:id/cancel") { action in
            let id = try jobID(action.context)
            let state = try await queue.cancel(id: id)
            return .redirect("\(Self.path)/\(id)", notice: state == .running ? "Job \(id) is running; its worker will stop it" : "Job \(id) cancelled")
        }
    }

    static func list(_ jobs: [JobView], parameters: [String: String], paging: Paging) -> HTML {
        let states = ([""] + JobState.allCases.map(\.rawValue)).map { state -> HTML in
            "<option value=\"\(state)\"\(parameters["state"] == state ? HTML(" selected") : .empty)>\(state.isEmpty ? "any" : state)</option>"
        }
        let rows = jobs.map { job -> HTML in
            """
            <tr><td><a href="\(path)/\(job.id)">\(job.id)</a></td><td>\(job.kind)</td><td>\(job.queue)</td><td class="state-\(job.state)">\(job.state)</td>\
            <td>\(job.attempt)/\(job.maxAttempts)</td><td>\(ConsoleFormat.relative(job.createdAt))</td><td>\(ConsoleFormat.relative(job.runAt))</td>\
            <td>\(ConsoleFormat.relative(job.finishedAt))</td><td class="mono">\(job.workerID ?? "")</td><td>\(job.errors.last?.message ?? "")</td></tr>
            """
        }
        return """
            <form method="get" action="\(path)" class="panel" id="job-filter">
            <label for="state">State<select id="state" name="state">\(states)</select></label>
            <label for="kind">Kind<input id="kind" name="kind" value="\(parameters["kind"] ?? "")"></label>
            <label for="queue">Queue<input id="queue" name="queue" value="\(parameters["queue"] ?? "")"></label>
            <button type="submit">Filter</button></form>
            <section id="job-list" data-live aria-label="Jobs">
            <div class="table-wrap"><table><thead><tr><th>Id</th><th>Kind</th><th>Queue</th><th>State</th><th>Attempt</th><th>Created</th><th>Run at</th><th>Finished</th><th>Worker</th><th>Last error</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            \(ConsolePaging.links(path: path, parameters: parameters, paging: paging, shown: jobs.count, total: nil))
            </section>
            """
    }

    static func detail(_ job: JobView, viewer: ConsoleViewer, traceURLs: TraceURLTemplate?) -> HTML {
        let back = "\(path)/\(job.id)"
        var actions: [HTML] = []
        if ["discarded", "cancelled", "retryable", "completed"].contains(job.state) {
            actions.append(ConsoleRoutes.button("Retry", action: "\(back)/retry", viewer: viewer, back: back, id: "job-retry"))
        }
        if ["available", "retryable", "running"].contains(job.state) {
            actions.append(ConsoleRoutes.button("Cancel", action: "\(back)/cancel", viewer: viewer, back: back, id: "job-cancel"))
        }
        let errors = job.errors.map { "<tr><td>\($0.attempt)</td><td>\($0.at)</td><td>\($0.message)</td></tr>" as HTML }
        let timeline: [(String, Date?)] = [("created", job.createdAt), ("run at", job.runAt), ("started", job.startedAt), ("lease expires", job.leaseExpiresAt), ("finished", job.finishedAt)]
        let steps = timeline.map { "<tr><th scope=\"row\">\($0.0)</th><td>\(ConsoleFormat.time($0.1))</td><td>\(ConsoleFormat.relative($0.1))</td></tr>" as HTML }
        return """
            <section id="job-detail" data-live aria-label="Job">
            <p><span class="badge state-\(job.state)" id="job-state">\(job.state)</span> \(job.kind) on queue \(job.queue) · attempt \(job.attempt) of \(job.maxAttempts) · priority \(job.priority)\(job.uniqueKey.map { " · unique key \($0)" } ?? "")\(job.workerID.map { " · worker \($0)" } ?? "")</p>
            <p>Trace of its enqueue and first attempt: \(TraceLink.html(job.traceID, template: traceURLs))</p>
            <div class="actions">\(actions)</div>
            <div class="grid2">
            <div><h2>Timeline</h2><table><tbody>\(steps)</tbody></table></div>
            <div><h2>Arguments</h2>\(ConsoleFormat.json(job.args))</div>
            <div><h2>Result</h2>\(ConsoleFormat.json(job.result))</div>
            <div><h2>Progress</h2>\(ConsoleFormat.json(job.progress))</div>
            </div>
            <h2>Errors</h2>
            \(job.errors.isEmpty ? "<p class=\"muted\">none</p>" : HTML("<table><thead><tr><th>Attempt</th><th>At</th><th>Message</th></tr></thead><tbody>\(errors)</tbody></table>"))
            </section>
            """
    }
}
