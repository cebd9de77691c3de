import BuddiPipeline
import Foundation
import Hummingbird

/// `/ui/fetches`: start and stop scheduling, ask for a fetch, change the settings (their bounds
/// checked as the API checks them, the error beside the field), and the history of fetches and
/// of the memories they could not store.
struct FetchesPage {
    let dependencies: APIDependencies
    static let path = "/ui/fetches"

    /// What the settings form shows: the values and the errors by field.
    struct SettingsForm: Sendable {
        var hours: String
        var max: String
        var errors: [String: String] = [:]
    }

    func register(on routes: ConsoleRoutes, router: Router<BasicRequestContext>) {
        let dependencies = dependencies
        routes.page(router, RouterPath(Self.path)) { request, _, viewer in
            try await page(request: request, viewer: viewer, form: nil)
        }
        routes.action(router, "/ui/scheduler/start") { _ in
            _ = try await dependencies.settings.setEnabled(true)
            return .redirect(Self.path, notice: "Scheduling started")
        }
        routes.action(router, "/ui/scheduler/stop") { _ in
            _ = try await dependencies.settings.setEnabled(false)
            return .redirect(Self.path, notice: "Scheduling stopped")
        }
        routes.action(router, "/ui/fetch") { action in
            let form = action.form
            let max = try form.value("max_conversations").map { text in
                guard let value = Int(text) else {
                    throw ControlError.invalidParameter(name: "max_conversations", value: text, expected: "a whole number")
                }
                return value
            }
            let fetch = try ManualFetch(maxConversations: max, date: nil, since: nil, until: nil)
            let job = try await dependencies.requests.requestManual(fetch, force: form["force"] == "on")
            return .redirect(Self.path, notice: "Fetch enqueued as job \(job)")
        }
        routes.action(router, "/ui/settings") { action in
            let form = action.form
            var entered = SettingsForm(hours: form["fetch_interval_hours"] ?? "", max: form["max_conversations_per_fetch"] ?? "")
            var hours: Int?, max: Int?
            for (field, text) in [("fetch_interval_hours", entered.hours), ("max_conversations_per_fetch", entered.max)] where !text.isEmpty {
                guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                    entered.errors[field] = "\(field) must be a whole number, got '\(text)'"
                    continue
                }
                if field == "fetch_interval_hours" { hours = value } else { max = value }
            }
            if entered.errors.isEmpty {
                do {
                    _ = try await dependencies.settings.configure(fetchIntervalHours: hours, maxConversationsPerFetch: max)
                    return .redirect(Self.path, notice: "Settings saved")
                } catch let error as SchedulerError {
                    if case .outOfBounds(let setting, _, _) = error { entered.errors[setting] = error.description } else { throw error }
                }
            }
            var page = try await page(request: action.request, viewer: action.viewer, form: entered)
            page.status = .unprocessableContent
            return .page(page)
        }

        @Sendable func page(request: Request, viewer: ConsoleViewer, form: SettingsForm?) async throws -> ConsolePage {
            let paging = try Paging(parameters: request.parameters)
            let settings = try await dependencies.settings.current()
            let history = try await FetchHistory.read(paging: paging, client: dependencies.client, logger: dependencies.logger)
            let rejected = try await RejectedMemoryPage.read(paging: Paging(parameters: ["limit": "20"]), client: dependencies.client, logger: dependencies.logger)
            let webhooks = try await ClusterStatus.webhookDeliveriesLastDay(client: dependencies.client, logger: dependencies.logger)
            let shown = form ?? SettingsForm(hours: "\(settings.fetchIntervalHours)", max: "\(settings.maxConversationsPerFetch)")
            return ConsolePage(section: Self.path, title: "Fetches", content: Self.render(
                settings: settings, form: shown, history: history, rejected: rejected, webhooks: webhooks, paging: paging,
                parameters: request.parameters, viewer: viewer))
        }
    }

    static func render(
        settings: SchedulerSettings, form: SettingsForm, history: FetchHistory, rejected: RejectedMemoryPage, webhooks: [String: Int], paging: Paging,
        parameters: [String: String], viewer: ConsoleViewer
    ) -> HTML {
        let toggle = settings.enabled
            ? ConsoleRoutes.button("Stop scheduling", action: "/ui/scheduler/stop", viewer: viewer, back: path, id: "scheduler-stop")
            : ConsoleRoutes.button("Start scheduling", action: "/ui/scheduler/start", viewer: viewer, back: path, id: "scheduler-start")
        let disabled: HTML = viewer.canAct ? .empty : " disabled title=\"needs the admin token\""
        func field(_ name: String, _ label: String, _ value: String, _ bounds: ClosedRange<Int>) -> HTML {
            let error = form.errors[name]
            let message: HTML = error.map { "<span class=\"field-error\" id=\"\(name)-error\" role=\"alert\">\($0)</span>" } ?? .empty
            let described: HTML = error == nil ? .empty : " aria-invalid=\"true\" aria-describedby=\"\(name)-error\""
            return "<label for=\"\(name)\">\(label) (\(bounds.lowerBound)–\(bounds.upperBound))<input type=\"number\" id=\"\(name)\" name=\"\(name)\" value=\"\(value)\"\(described)>\(message)</label>"
        }
        let rows = history.runs.map { run -> HTML in
            let errors = run.apiErrors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return """
                <tr><td><a href="/ui/jobs/\(run.jobID)">\(run.jobID)</a></td><td>\(run.trigger.rawValue)</td><td>\(ConsoleFormat.time(run.slot))</td>\
                <td>\(ConsoleFormat.relative(run.requestedAt))</td><td class="outcome-\(run.outcome.rawValue)">\(run.outcome.rawValue)</td><td>\(run.attempts)</td>\
                <td>\(ConsoleFormat.count(run.pages))</td><td>\(ConsoleFormat.count(run.memoriesSeen))</td><td>\(ConsoleFormat.count(run.new))</td>\
                <td>\(ConsoleFormat.count(run.duplicates))</td><td>\(ConsoleFormat.count(run.rejected))</td><td>\(ConsoleFormat.duration(run.durationSeconds))</td>\
                <td>\(errors.isEmpty ? "—" : errors)</td><td>\(run.error ?? "")</td></tr>
                """
        }
        let rejectedRows = rejected.items.map { item -> HTML in
            let origin: HTML = item.fetchJobID.map { "<a href=\"/ui/jobs/\($0)\">\($0)</a>" } ?? "webhook \(item.webhookID ?? "")"
            return "<tr><td>\(item.buddiID ?? "—")</td><td>\(item.reason)</td><td class=\"mono\">\(String(item.excerpt.prefix(160)))</td><td>\(origin)</td><td>\(item.timesSeen)</td><td>\(ConsoleFormat.relative(item.lastSeenAt))</td></tr>"
        }
        return """
            <section aria-label="Actions">
            <div class="actions">\(toggle)</div>
            <form method="post" action="/ui/fetch" class="panel" id="fetch-form">\(ConsoleRoutes.formFields(viewer, back: path))
            <label for="max_conversations">Fetch now: at most (blank: the setting)<input type="number" id="max_conversations" name="max_conversations" min="1"></label>
            <label for="force"><span>Even within the minimum spacing</span><input type="checkbox" id="force" name="force"></label>
            <button type="submit" id="fetch-now"\(disabled)>Fetch now</button></form>
            <form method="post" action="/ui/settings" class="panel" id="settings-form">\(ConsoleRoutes.formFields(viewer, back: path))
            \(field("fetch_interval_hours", "Fetch every (hours)", form.hours, SchedulerSettings.intervalBounds))
            \(field("max_conversations_per_fetch", "At most per fetch", form.max, SchedulerSettings.maxConversationsBounds))
            <button type="submit" id="settings-save"\(disabled)>Save settings</button></form>
            </section>
            <section id="fetch-history" data-live aria-label="History">
            <h2>History <span class="muted">(\(history.total) fetches)</span></h2>
            <div class="table-wrap"><table><thead><tr><th>Job</th><th>Trigger</th><th>Slot</th><th>Requested</th><th>Outcome</th><th>Attempts</th><th>Pages</th><th>Seen</th><th>New</th><th>Duplicates</th><th>Rejected</th><th>Duration</th><th>API errors</th><th>Error</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            \(ConsolePaging.links(path: path, parameters: parameters, paging: paging, shown: history.runs.count, total: history.total))
            <h2>Webhook deliveries, 24 h</h2>
            <p id="webhook-deliveries">\(WebhookFigures.line(webhooks)) <span class="muted">(memories pushed as they are created; the fetches above reconcile what a push missed)</span></p>
            <h2>Rejected memories <span class="muted">(\(rejected.total))</span></h2>
            <div class="table-wrap"><table><thead><tr><th>Buddi id</th><th>Reason</th><th>Excerpt</th><th>Fetch or delivery</th><th>Seen</th><th>Last seen</th></tr></thead><tbody>\(rejectedRows)</tbody></table></div>
            </section>
            """
    }
}
