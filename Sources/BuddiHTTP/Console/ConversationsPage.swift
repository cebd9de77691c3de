import BuddiPipeline
import BuddiAPI
import Foundation
import Hummingbird
import PostgresResilience

/// `/ui/conversations`: search and filters over the stored conversations, a page at a time;
/// `/ui/conversations/{id}`: one conversation — title, summary, action items, transcript,
/// analytics, and its ledger record verified live, with each field's Merkle proof.
struct ConversationsPage {
    let dependencies: APIDependencies
    static let path = "/ui/conversations"
    /// The filter fields, as the API names them.
    static let filterNames = ["q", "sentiment", "topic", "category", "min_quality", "since", "until"]

    func register(on routes: ConsoleRoutes, router: Router<BasicRequestContext>) {
        let dependencies = dependencies
        let conversations = Conversations(client: dependencies.client, logger: dependencies.logger)
        routes.page(router, RouterPath(Self.path)) { request, _, _ in
            // A form sends its blank fields too: blank means "any".
            let parameters = request.parameters.filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }
            let paging = try Paging(parameters: parameters)
            let (total, items) = try await conversations.list(try ConversationFilter(parameters: parameters), paging: paging)
            let rows = items.compactMap { try? JSONValue(parsing: Data($0.utf8)) }
            return ConsolePage(section: Self.path, title: "Conversations", content: Self.list(rows, total: total, parameters: parameters, paging: paging))
        }
        routes.page(router, "/ui/conversations/:id") { _, context, _ in
            let raw = try context.parameters.require("id")
            let id = raw.removingPercentEncoding ?? raw
            guard let text = try await conversations.one(id), let conversation = try? JSONValue(parsing: Data(text.utf8)) else {
                throw ControlError.notFound(what: "conversation", id: id)
            }
            let buddiID = conversation["buddi_id"]?.stringValue ?? id
            let inspection = try await ConversationInspection.read(buddiID: buddiID, client: dependencies.client, logger: dependencies.logger)
            let title = conversation["title"]?.stringValue ?? ""
            return ConsolePage(section: Self.path, title: title.isEmpty ? "Conversation \(buddiID)" : title,
                               content: ConversationView.render(conversation, inspection: inspection, traceURLs: dependencies.traceURLs))
        }
    }

    static func list(_ rows: [JSONValue], total: BoundedCount, parameters: [String: String], paging: Paging) -> HTML {
        func input(_ name: String, _ label: String, type: String = "text", extra: HTML = .empty) -> HTML {
            "<label for=\"f-\(name)\">\(label)<input type=\"\(type)\" id=\"f-\(name)\" name=\"\(name)\" value=\"\(parameters[name] ?? "")\"\(extra)></label>"
        }
        let sentiments = ["", "positive", "neutral", "negative"].map { value -> HTML in
            "<option value=\"\(value)\"\(parameters["sentiment"] == value ? HTML(" selected") : .empty)>\(value.isEmpty ? "any" : value)</option>"
        }
        let items = rows.map { row -> HTML in
            let id = row["buddi_id"]?.stringValue ?? ""
            let title = row["title"]?.stringValue ?? ""
            let topics = (row["topics"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", ")
            return """
                <tr><td><a href="\(path)/\(ConsoleRoutes.pathSegment(id))">\(title.isEmpty ? "(untitled)" : title)</a></td>\
                <td>\(row["category"]?.stringValue ?? "")</td><td class="sentiment-\(row["sentiment_label"]?.stringValue ?? "")">\(row["sentiment_label"]?.stringValue ?? "—")</td>\
                <td>\(ConsoleFormat.score(row["quality_score"]?.numberValue))</td><td>\(topics)</td><td>\(row["created_at"]?.stringValue ?? "")</td>\
                <td>\(row["processing_state"]?.stringValue ?? "")</td></tr>
                """
        }
        return """
            <form method="get" action="\(path)" class="panel" id="conversation-filter">
            \(input("q", "Title or summary contains"))
            <label for="f-sentiment">Sentiment<select id="f-sentiment" name="sentiment">\(sentiments)</select></label>
            \(input("topic", "Topic")) \(input("category", "Category"))
            \(input("min_quality", "Quality at least", type: "number", extra: " min=\"0\" max=\"1\" step=\"0.05\""))
            \(input("since", "Since", type: "date")) \(input("until", "Until", type: "date"))
            <button type="submit" id="conversation-search">Search</button></form>
            <section id="conversation-list" data-live aria-label="Conversations">
            <p class="muted"><span id="conversations-matching">\(ConsoleFormat.count(total))</span> matching</p>
            <div class="table-wrap"><table><thead><tr><th>Title</th><th>Category</th><th>Sentiment</th><th>Quality</th><th>Topics</th><th>Created</th><th>State</th></tr></thead>
            <tbody>\(items)</tbody></table></div>
            \(ConsolePaging.links(path: path, parameters: parameters, paging: paging, shown: rows.count, total: total.value))
            </section>
            """
    }
}
