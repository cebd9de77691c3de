import Foundation
import Hummingbird
import Logging

/// The operator's console: server-rendered pages at `/` and under `/ui/`, the login, and its
/// two assets. Every page reads through the same queries as the API (BuddiPipeline's control layer); actions are
/// forms that post, check the session's role and CSRF token, and redirect back (so the console
/// works without JavaScript; its script only refreshes the live sections).
struct ConsoleRoutes {
    let dependencies: APIDependencies
    let sessions: ConsoleSessions
    /// Without tokens, on a loopback address: pages answer only requests that name a loopback
    /// host, so a site that rebinds its name to 127.0.0.1 cannot read them or act through them.
    let loopbackOnly: Bool

    /// Whether `path` belongs to the console (its own access rules, not the API's bearer tokens).
    static func isConsolePath(_ path: String) -> Bool {
        path == "/" || path == "/login" || path == "/logout" || path.hasPrefix("/ui/") || path.hasPrefix("/assets/")
    }

    func register(on router: Router<BasicRequestContext>) {
        ConsoleAssets.register(on: router)
        LoginPage(sessions: sessions).register(on: router, routes: self)
        OverviewPage(dependencies: dependencies).register(on: self, router: router)
        FetchesPage(dependencies: dependencies).register(on: self, router: router)
        JobsPage(dependencies: dependencies).register(on: self, router: router)
        WorkersPage(dependencies: dependencies).register(on: self, router: router)
        ConversationsPage(dependencies: dependencies).register(on: self, router: router)
        AnalyticsPage(dependencies: dependencies).register(on: self, router: router)
        Self.notFound(on: router)
    }

    /// Whether the request's Host header names this machine (any port).
    static func namesLoopback(_ request: Request) -> Bool {
        guard let authority = request.head.authority else { return false }
        var host = Substring(authority)
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") {
            host = host[...end]
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        return LoopbackHost.contains(String(host))
    }

    /// The answer to a request that names another host while ``loopbackOnly``.
    static func misdirected() -> Response {
        respond(refusal("This console answers only requests to localhost: without tokens it is for this machine alone."), status: .misdirectedRequest)
    }

    /// A page: the viewer's session is required once tokens are configured (else the login, which
    /// comes back here); without tokens the visitor gets an admin session.
    func page(
        _ router: Router<BasicRequestContext>, _ path: RouterPath,
        _ render: @escaping @Sendable (Request, BasicRequestContext, ConsoleViewer) async throws -> ConsolePage
    ) {
        let (sessions, loopbackOnly) = (sessions, loopbackOnly)
        router.get(path) { request, context in
            if loopbackOnly, !Self.namesLoopback(request) { return Self.misdirected() }
            var (viewer, cookie) = (sessions.viewer(of: request), String?.none)
            if viewer == nil {
                guard !sessions.access.isProtected else { return Self.redirect(to: "/login?next=" + Self.percentEncoded(Self.target(of: request))) }
                let value = sessions.issue(.admin)
                cookie = sessions.setCookie(value, secure: ConsoleSessions.isSecure(request))
                viewer = sessions.viewer(cookie: value)
            }
            let page: ConsolePage
            do {
                page = try await render(request, context, viewer!)
            } catch {
                page = Self.errorPage(error, request: request, logger: context.logger)
            }
            let parameters = request.parameters
            var response = Self.respond(page.document(
                viewer: viewer, protected: sessions.access.isProtected, notice: parameters["notice"], error: parameters["error"]),
                status: page.status)
            if let cookie { response.headers[.setCookie] = cookie }
            return response
        }
    }

    /// An action's request: what was posted, by whom, on which route.
    struct ConsoleAction: Sendable {
        let request: Request
        let context: BasicRequestContext
        let form: ConsoleForm
        let viewer: ConsoleViewer
    }

    /// What an action did: where to go next with a message, or a page to show instead (a form
    /// with its errors beside the fields).
    enum ActionOutcome: Sendable {
        case redirect(String, notice: String)
        case page(ConsolePage)
    }

    /// An action: a form posted by an admin session with its CSRF token. A failure goes back to
    /// the form's page (its `back` field) with the error, which names what was wrong.
    func action(
        _ router: Router<BasicRequestContext>, _ path: RouterPath,
        _ perform: @escaping @Sendable (ConsoleAction) async throws -> ActionOutcome
    ) {
        let (sessions, loopbackOnly) = (sessions, loopbackOnly)
        router.post(path) { request, context in
            if loopbackOnly, !Self.namesLoopback(request) { return Self.misdirected() }
            guard let viewer = sessions.viewer(of: request) else {
                guard !sessions.access.isProtected else { return Self.redirect(to: "/login") }
                return Self.respond(Self.refusal("This form has expired: reload the page and try again."), status: .forbidden)
            }
            guard let form = try? await ConsoleForm.read(request) else {
                return Self.respond(Self.refusal("The form sent more than \(ConsoleForm.maxBytes / 1024) KiB."), status: .contentTooLarge)
            }
            guard sessions.checkCSRF(form[ConsoleSessions.csrfField], viewer: viewer) else {
                return Self.respond(Self.refusal("This form has expired or did not come from this console: reload the page and try again."), status: .forbidden)
            }
            guard viewer.canAct else {
                return Self.respond(Self.refusal("The read token cannot change anything: log in with the admin token to act."), status: .forbidden)
            }
            let back = form.localPath("back", fallback: "/")
            do {
                switch try await perform(ConsoleAction(request: request, context: context, form: form, viewer: viewer)) {
                case .redirect(let target, let notice):
                    return Self.redirect(to: Self.adding("notice", notice, to: target))
                case .page(let page):
                    return Self.respond(page.document(viewer: viewer, protected: sessions.access.isProtected, notice: nil, error: nil), status: page.status)
                }
            } catch {
                let problem = APIProblem.from(error)
                if problem.status.code >= 500 { Self.log(problem, request: request, logger: context.logger) }
                return Self.redirect(to: Self.adding("error", problem.message, to: back))
            }
        }
    }

    /// The hidden fields every action form carries: the CSRF token and the page to come back to.
    static func formFields(_ viewer: ConsoleViewer, back: String) -> HTML {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(viewer.csrfToken)\"><input type=\"hidden\" name=\"back\" value=\"\(back)\">"
    }

    /// A button that posts to `action`; disabled (with the reason) for the read token.
    static func button(_ label: String, action: String, viewer: ConsoleViewer, back: String, id: String, extra: HTML = .empty) -> HTML {
        let disabled: HTML = viewer.canAct ? .empty : " disabled title=\"needs the admin token\""
        return "<form method=\"post\" action=\"\(action)\" class=\"inline\">\(formFields(viewer, back: back))\(extra)<button type=\"submit\" id=\"\(id)\"\(disabled)>\(label)</button></form>"
    }

    static func respond(_ html: HTML, status: HTTPResponse.Status) -> Response {
        var headers = ConsolePage.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html.markup)))
    }

    static func redirect(to target: String) -> Response {
        var headers = ConsolePage.securityHeaders
        headers[.location] = target
        return Response(status: .seeOther, headers: headers)
    }

    /// The path and query a request asked for.
    static func target(of request: Request) -> String {
        request.uri.query.map { request.uri.path + "?" + $0 } ?? request.uri.path
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~/"))) ?? ""
    }

    /// `text` as one path segment (a `/` in it encoded too).
    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? ""
    }

    /// `target` with `name=value` added to its query.
    static func adding(_ name: String, _ value: String, to target: String) -> String {
        target + (target.contains("?") ? "&" : "?") + name + "=" + percentEncoded(value)
    }

    static func refusal(_ message: String) -> HTML {
        ConsolePage(section: "", title: "Not allowed", status: .forbidden, content: "<p class=\"flash error\" role=\"alert\" id=\"refusal\">\(message)</p><p><a href=\"/\">Back to the overview</a></p>")
            .document(viewer: nil, protected: false, notice: nil, error: nil)
    }

    /// Any path under `/ui/` that is no page: an HTML 404, not the API's JSON one.
    static func notFound(on router: Router<BasicRequestContext>) {
        router.get("/ui/**") { request, _ in
            respond(ConsolePage(section: "", title: "Not found", status: .notFound,
                                content: "<p class=\"flash error\" role=\"alert\">No console page at \(request.uri.path).</p><p><a href=\"/\">Back to the overview</a></p>")
                .document(viewer: nil, protected: false, notice: nil, error: nil), status: .notFound)
        }
    }

    private static func log(_ problem: APIProblem, request: Request, logger: Logger) {
        logger.error("console request failed", metadata: ["path": "\(request.uri.path)", "error": "\(problem.message)"])
    }

    private static func errorPage(_ error: any Error, request: Request, logger: Logger) -> ConsolePage {
        let problem = APIProblem.from(error)
        if problem.status.code >= 500 { log(problem, request: request, logger: logger) }
        return ConsolePage(section: "", title: problem.status == .notFound ? "Not found" : "Something went wrong", status: problem.status,
                           content: "<p class=\"flash error\" role=\"alert\">\(problem.message)</p>")
    }
}
