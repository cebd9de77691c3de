import Hummingbird

/// Refuses a request whose query holds U+0000 in a name or value (422): no endpoint has a use
/// for it, and PostgreSQL cannot take it as text.
struct QueryCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        for (name, value) in request.uri.queryParameters where name.contains("\u{0}") || value.contains("\u{0}") {
            throw APIProblem(
                .unprocessableContent, "invalid_parameter",
                "query parameter \(String(name).replacingOccurrences(of: "\u{0}", with: "\\u0000")) contains U+0000 (NUL)")
        }
        return try await next(request, context)
    }
}
