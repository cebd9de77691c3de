import Foundation
import Hummingbird

/// A console page before its layout: its section of the navigation, title, status and content.
struct ConsolePage: Sendable {
    /// The navigation's sections, in order: path and name.
    static let sections: [(path: String, name: String)] = [
        ("/", "Overview"), ("/ui/fetches", "Fetches"), ("/ui/jobs", "Jobs"), ("/ui/workers", "Workers"),
        ("/ui/conversations", "Conversations"), ("/ui/analytics", "Analytics"),
    ]

    var section: String
    var title: String
    var status: HTTPResponse.Status = .ok
    var content: HTML

    /// The headers every console response carries: no inline script or style may run, nothing
    /// may frame it, forms post only to it.
    static let securityHeaders: HTTPFields = [
        .init("Content-Security-Policy")!: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .init("X-Content-Type-Options")!: "nosniff",
        .init("Referrer-Policy")!: "same-origin",
        .init("X-Frame-Options")!: "DENY",
        .cacheControl: "no-store",
    ]

    /// The whole document.
    func document(viewer: ConsoleViewer?, protected: Bool, notice: String?, error: String?) -> HTML {
        let navigation = Self.sections.map { item -> HTML in
            item.path == section ? "<a href=\"\(item.path)\" aria-current=\"page\">\(item.name)</a>" : "<a href=\"\(item.path)\">\(item.name)</a>"
        }
        var account = HTML.empty
        if let viewer, protected {
            account = """
                <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="\(viewer.csrfToken)">\
                <span class="badge" id="role">\(viewer.canAct ? "admin" : "read-only")</span> <button type="submit">Log out</button></form>
                """
        }
        let flash: HTML = error.map { "<p class=\"flash error\" role=\"alert\" id=\"flash\">\($0)</p>" }
            ?? notice.map { "<p class=\"flash notice\" role=\"status\" id=\"flash\">\($0)</p>" } ?? .empty
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · buddi</title>
            <link rel="stylesheet" href="/assets/console.css">
            <script src="/assets/console.js" defer></script>
            </head>
            <body>
            <header><a class="brand" href="/">buddi</a><nav aria-label="Sections">\(HTML(joining: navigation))</nav>\(account)</header>
            <main id="main" data-refresh="5">
            <h1>\(title)</h1>
            \(flash)
            \(content)
            </main>
            <footer>buddi console · updates itself every 5 s while open</footer>
            </body>
            </html>
            """
    }
}
