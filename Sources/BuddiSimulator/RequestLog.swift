import Hummingbird

/// When requests arrived, whatever their path: lets tests check a client's rate limit and
/// retries from the server's side.
actor RequestLog {
    private(set) var times: [ContinuousClock.Instant] = []

    func record() { times.append(ContinuousClock.now) }
}

/// Records every request in a ``RequestLog`` before routing it.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let log: RequestLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        await log.record()
        return try await next(request, context)
    }
}
