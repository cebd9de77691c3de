import BuddiPipeline

/// Previous and next links of a paged listing, keeping its filters.
enum ConsolePaging {
    static func links(path: String, parameters: [String: String], paging: Paging, shown: Int, total: Int?) -> HTML {
        func link(_ offset: Int, _ label: String, _ rel: String) -> HTML {
            var query = parameters.filter { !$0.value.isEmpty && $0.key != "offset" && $0.key != "notice" && $0.key != "error" }
            query["offset"] = "\(offset)"
            let text = query.sorted { $0.key < $1.key }.map { "\($0.key)=\(ConsoleRoutes.percentEncoded($0.value))" }.joined(separator: "&")
            return "<a rel=\"\(rel)\" href=\"\(path)?\(text)\">\(label)</a>"
        }
        var parts: [HTML] = []
        if paging.offset > 0 { parts.append(link(max(0, paging.offset - paging.limit), "← Newer", "prev")) }
        let end = paging.offset + shown
        parts.append("<span class=\"muted\">\(shown == 0 ? 0 : paging.offset + 1)–\(end)\(total.map { " of \($0)" } ?? "")</span>")
        if shown == paging.limit, total.map({ end < $0 }) ?? true, end < Paging.maxOffset { parts.append(link(end, "Older →", "next")) }
        return "<nav class=\"paging\" aria-label=\"Pages\">\(parts)</nav>"
    }
}
