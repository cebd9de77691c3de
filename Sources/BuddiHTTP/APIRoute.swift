import Hummingbird

/// A route of the API, as registered: what the OpenAPI document must describe.
package struct APIRoute: Sendable, Hashable, CustomStringConvertible {
    /// `GET`, `POST`…
    package var method: String
    /// The path in OpenAPI form (`/conversations/{id}`).
    package var path: String

    package var description: String { "\(method) \(path)" }
}

/// Registers routes on a Hummingbird router and remembers them.
struct RouteTable {
    let router: Router<BasicRequestContext>
    private(set) var routes: [APIRoute] = []

    init(router: Router<BasicRequestContext>) {
        self.router = router
    }

    /// Adds a route; `path` uses `{name}` for parameters, as OpenAPI does.
    mutating func add(
        _ method: HTTPRequest.Method, _ path: String,
        _ handler: @Sendable @escaping (Request, BasicRequestContext) async throws -> Response
    ) {
        let hummingbirdPath = path.split(separator: "/", omittingEmptySubsequences: false).map { component in
            component.hasPrefix("{") && component.hasSuffix("}") ? ":" + component.dropFirst().dropLast() : component
        }.joined(separator: "/")
        router.on(RouterPath(hummingbirdPath), method: method, use: handler)
        routes.append(APIRoute(method: method.rawValue, path: path))
    }
}
