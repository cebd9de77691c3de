import Foundation
import Hummingbird

/// `/login`: exchanges a token (the admin or the read token) for a session cookie; `/logout`
/// ends it (with the session's CSRF token). A wrong token is a 403 with the form again; nothing
/// about the token is logged.
struct LoginPage {
    let sessions: ConsoleSessions

    func register(on router: Router<BasicRequestContext>, routes: ConsoleRoutes) {
        let sessions = sessions
        router.get("/login") { request, _ in
            let next = ConsoleForm(encoded: request.uri.query ?? "").localPath("next", fallback: "/")
            guard sessions.access.isProtected else { return ConsoleRoutes.redirect(to: next) }
            return ConsoleRoutes.respond(Self.form(next: next, error: nil), status: .ok)
        }
        router.post("/login") { request, _ in
            guard let form = try? await ConsoleForm.read(request) else {
                return ConsoleRoutes.respond(ConsoleRoutes.refusal("The form sent more than \(ConsoleForm.maxBytes / 1024) KiB."), status: .contentTooLarge)
            }
            let next = form.localPath("next", fallback: "/")
            guard sessions.access.isProtected else { return ConsoleRoutes.redirect(to: next) }
            guard let role = sessions.access.role(offering: form["token"] ?? "") else {
                return ConsoleRoutes.respond(Self.form(next: next, error: "That token is not valid: give BUDDI_ADMIN_TOKEN or BUDDI_READ_TOKEN."), status: .forbidden)
            }
            var response = ConsoleRoutes.redirect(to: next)
            response.headers[.setCookie] = sessions.setCookie(sessions.issue(role), secure: ConsoleSessions.isSecure(request))
            return response
        }
        router.post("/logout") { request, _ in
            // Only the session's own form may end it.
            if let viewer = sessions.viewer(of: request) {
                let form = try? await ConsoleForm.read(request)
                guard sessions.checkCSRF(form?[ConsoleSessions.csrfField], viewer: viewer) else {
                    return ConsoleRoutes.respond(ConsoleRoutes.refusal("This form has expired: reload the page and try again."), status: .forbidden)
                }
            }
            var response = ConsoleRoutes.redirect(to: sessions.access.isProtected ? "/login" : "/")
            response.headers[.setCookie] = sessions.clearCookie(secure: ConsoleSessions.isSecure(request))
            return response
        }
    }

    private static func form(next: String, error: String?) -> HTML {
        let message: HTML = error.map { "<p class=\"field-error\" id=\"token-error\" role=\"alert\">\($0)</p>" } ?? .empty
        return ConsolePage(section: "", title: "Log in", content: """
            <form method="post" action="/login" class="panel" id="login">
            <input type="hidden" name="next" value="\(next)">
            <label for="token">Token (the admin token acts, the read token only looks)
            <input type="password" id="token" name="token" autocomplete="current-password" required autofocus></label>
            \(message)
            <button type="submit" id="login-submit">Log in</button>
            </form>
            """).document(viewer: nil, protected: false, notice: nil, error: nil)
    }
}
