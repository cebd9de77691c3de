import Foundation
import Hummingbird

/// Once a token is configured (see ``APIAccess``), every endpoint but `/health`, `/metrics` and
/// the webhook endpoint (authenticated by its signature, see ``WebhookRoutes``) needs `Authorization: Bearer <token>`: a read (GET, HEAD) either token, anything else the admin
/// token. No or a wrong token is a 401; the read token on a write a 403. The console's pages
/// have rules of their own (a session cookie from its login page, see ``ConsoleSessions``).
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: APIAccess
    /// What needs no token: probes and scrapers carry none, and a webhook's sender signs instead.
    static var openPaths: Set<String> { ["/health", "/metrics", WebhookRoutes.path] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard access.isProtected, !Self.openPaths.contains(request.uri.path), !ConsoleRoutes.isConsolePath(request.uri.path) else { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        let offered = header.hasPrefix(prefix) ? String(header.dropFirst(prefix.count)) : ""
        let isRead = request.method == .get || request.method == .head
        switch access.role(offering: offered) {
        case .admin?:
            return try await next(request, context)
        case .reader? where isRead:
            return try await next(request, context)
        case .reader?:
            throw APIProblem(.forbidden, "forbidden", "the read token cannot change anything; this endpoint needs BUDDI_ADMIN_TOKEN")
        case nil:
            var problem = APIProblem(
                .unauthorized, "unauthorized",
                isRead ? "this endpoint needs Authorization: Bearer <BUDDI_READ_TOKEN or BUDDI_ADMIN_TOKEN>"
                    : "this endpoint needs Authorization: Bearer <BUDDI_ADMIN_TOKEN>")
            problem.headers[.wwwAuthenticate] = "Bearer"
            throw problem
        }
    }
}
