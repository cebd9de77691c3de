import Hummingbird
import Tracing

/// Traces each request in a server span (Hummingbird's `TracingMiddleware`: method, route,
/// status, continuing the caller's `traceparent`) once the process has bootstrapped a tracer;
/// passes requests straight through otherwise.
struct TraceRequestsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let tracing = TracingMiddleware<Context>()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if InstrumentationSystem.tracer is NoOpTracer { return try await next(request, context) }
        return try await tracing.handle(request, context: context, next: next)
    }
}
