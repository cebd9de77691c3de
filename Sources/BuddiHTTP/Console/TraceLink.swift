/// Where the console links a trace id: a tracing UI's URL with `{trace_id}` in it
/// (`BUDDI_TRACE_URL_TEMPLATE`, e.g. `http://jaeger:16686/trace/{trace_id}`).
package struct TraceURLTemplate: Sendable, Equatable {
    /// What stands for the trace id in the template.
    package static let placeholder = "{trace_id}"

    let template: String

    /// Checks `template`: an http(s) URL holding ``placeholder``; the error names what is wrong.
    package init(_ template: String) throws(TraceURLTemplateError) {
        guard template.hasPrefix("http://") || template.hasPrefix("https://") else {
            throw TraceURLTemplateError(reason: "must be an http:// or https:// URL, got '\(template)'")
        }
        guard template.contains(Self.placeholder) else {
            throw TraceURLTemplateError(reason: "must hold \(Self.placeholder) where the trace id goes, got '\(template)'")
        }
        self.template = template
    }

    /// The URL of trace `traceID` (32 hex digits, so it needs no escaping).
    func url(of traceID: String) -> String {
        template.replacingOccurrences(of: Self.placeholder, with: traceID)
    }
}

/// BUDDI_TRACE_URL_TEMPLATE cannot be used.
package struct TraceURLTemplateError: Error, CustomStringConvertible {
    let reason: String
    package var description: String { "BUDDI_TRACE_URL_TEMPLATE \(reason)" }
}

/// A trace id on a console page: linked to the tracing UI when a template is set.
enum TraceLink {
    static func html(_ traceID: String?, template: TraceURLTemplate?) -> HTML {
        guard let traceID else { return "<span class=\"muted\" id=\"trace-id\">not traced</span>" }
        guard let template else { return "<span class=\"mono\" id=\"trace-id\">\(traceID)</span>" }
        return "<a class=\"mono\" id=\"trace-id\" href=\"\(template.url(of: traceID))\">\(traceID)</a>"
    }
}
