import BuddiAPI
import BuddiPipeline
import Foundation

/// One conversation's page: what it says, what analysis found, and its ledger record with the
/// live verification and the proof of each field.
enum ConversationView {
    static func render(_ conversation: JSONValue, inspection: ConversationInspection?, traceURLs: TraceURLTemplate?) -> HTML {
        let text = { (key: String) in conversation[key]?.stringValue ?? "" }
        let number = { (key: String) in conversation[key]?.numberValue }
        let list = { (key: String) in (conversation[key]?.arrayValue ?? []).compactMap(\.stringValue) }
        let actions = (conversation["action_items"]?.arrayValue ?? []).map { item -> HTML in
            "<li>\(item["description"]?.stringValue ?? item.stringValue ?? "")</li>"
        }
        let lines = (inspection?.transcript ?? []).map { line -> HTML in
            "<p><span class=\"speaker\">\(line.speaker ?? "—")</span>\(line.text)</p>"
        }
        return """
            <section aria-label="Conversation">
            <p>\(text("emoji")) \(text("category")) · created \(text("created_at")) · \(text("processing_state"))\(conversation["processing_error"]?.stringValue.map { " · \($0)" } ?? "")</p>
            <h2>Summary</h2><p id="summary">\(text("summary"))</p>
            <h2>Action items</h2>\(actions.isEmpty ? "<p class=\"muted\">none</p>" : HTML("<ul>\(actions)</ul>"))
            <div class="grid2">
            <div><h2>Analytics</h2><table><tbody>
            <tr><th scope="row">Sentiment</th><td id="sentiment">\(text("sentiment_label")) (\(ConsoleFormat.score(number("sentiment_score"))))</td></tr>
            <tr><th scope="row">Keywords</th><td>\(list("keywords").joined(separator: ", "))</td></tr>
            <tr><th scope="row">Topics</th><td>\(list("topics").joined(separator: ", "))</td></tr>
            <tr><th scope="row">Quality</th><td>\(ConsoleFormat.score(number("quality_score")))</td></tr>
            <tr><th scope="row">Engagement</th><td>\(ConsoleFormat.score(number("engagement_score")))</td></tr>
            </tbody></table></div>
            \(ledger(conversation, inspection: inspection, traceURLs: traceURLs))
            </div>
            <h2>Transcript</h2><div class="transcript">\(lines.isEmpty ? "<p class=\"muted\">none</p>" : HTML(joining: lines))</div>
            \(proofs(inspection))
            </section>
            """
    }

    private static func ledger(_ conversation: JSONValue, inspection: ConversationInspection?, traceURLs: TraceURLTemplate?) -> HTML {
        let verdict: HTML
        if let inspection, inspection.verified {
            verdict = "<span class=\"verified\" id=\"verification\">verified: every field's proof leads to the root, the anchor holds it, its block is in the chain</span>"
        } else {
            let problems = (inspection?.problems ?? ["not processed yet"]).map { "<li>\($0)</li>" as HTML }
            verdict = "<span class=\"unverified\" id=\"verification\">not verified</span><ul>\(problems)</ul>"
        }
        return """
            <div><h2>Ledger</h2><table><tbody>
            <tr><th scope="row">Anchor id</th><td id="anchor-id">\(inspection?.anchorID.map(String.init) ?? "—")</td></tr>
            <tr><th scope="row">Token id</th><td>\(inspection?.tokenID.map(String.init) ?? "—")</td></tr>
            <tr><th scope="row">Merkle root</th><td class="mono">\(inspection?.merkleRoot ?? "—")</td></tr>
            <tr><th scope="row">Block</th><td>\(inspection?.blockHeight.map(String.init) ?? "not sealed yet")</td></tr>
            <tr><th scope="row">Contract</th><td class="mono">\(conversation["contract_address"]?.stringValue ?? "—")</td></tr>
            <tr><th scope="row">Token URI</th><td class="mono">\(conversation["token_uri"]?.stringValue ?? "—")</td></tr>
            <tr><th scope="row">Verification</th><td>\(verdict)</td></tr>
            <tr><th scope="row">Stored in trace</th><td>\(TraceLink.html(conversation["trace_id"]?.stringValue, template: traceURLs))</td></tr>
            </tbody></table></div>
            """
    }

    private static func proofs(_ inspection: ConversationInspection?) -> HTML {
        guard let inspection, !inspection.proofs.isEmpty else { return .empty }
        let rows = inspection.proofs.map { item -> HTML in
            let steps = item.proof.steps.map { "\($0.siblingIsLeft ? "L" : "R") \($0.sibling.hex.prefix(12))…" }.joined(separator: " · ")
            return """
                <tr><td>\(item.proof.field.name)</td><td class="mono">\(String(item.proof.field.value.prefix(80)))\(item.proof.field.value.count > 80 ? "…" : "")</td>\
                <td class="mono">\(steps)</td><td class="\(item.verified ? "verified" : "unverified")">\(item.verified ? "✓ leads to the root" : "✗ does not")</td></tr>
                """
        }
        return """
            <h2>Merkle proofs</h2>
            <div class="table-wrap"><table id="proofs"><thead><tr><th>Field</th><th>Value</th><th>Siblings, leaf to root</th><th>Proof</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }
}
