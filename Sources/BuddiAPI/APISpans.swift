import AsyncHTTPClient
import NIOHTTP1
import Tracing

/// The Buddi API client's spans: one per page asked for, and under it one per HTTP attempt,
/// whose context the request carries to the API (W3C `traceparent`). Without a bootstrapped
/// tracer they cost a no-op per request.
enum APISpans {
    /// Runs `body`, the fetch of the page at `location`, in a span.
    static func page<Page>(_ location: String, _ body: () async throws(BuddiAPIError) -> Page) async throws(BuddiAPIError) -> Page {
        let span = startSpan("buddi.get_memories", ofKind: .internal)
        defer { span.end() }
        if span.isRecording { span.attributes["buddi.request"] = location }
        let result: Result<Page, BuddiAPIError> = await ServiceContext.$current.withValue(span.context) {
            do throws(BuddiAPIError) { return .success(try await body()) } catch { return .failure(error) }
        }
        if case .failure(let error) = result, span.isRecording {
            span.attributes["error.type"] = error.kind
            span.setStatus(SpanStatus(code: .error, message: error.description))
        }
        return try result.get()
    }

    /// Runs one HTTP attempt (`perform`, given the request with the span's context in its
    /// headers) in a client span: its number, how long it waited on the rate limiter, its status.
    static func attempt(
        _ number: Int, location: String, rateLimiterWait: Duration, request: HTTPClientRequest,
        _ perform: (HTTPClientRequest) async -> (outcome: AttemptOutcome, status: Int?)
    ) async -> AttemptOutcome {
        let span = startSpan("GET get_memories", ofKind: .client)
        defer { span.end() }
        guard span.isRecording else { return await perform(request).outcome }
        var request = request
        InstrumentationSystem.instrument.inject(span.context, into: &request.headers, using: HTTPHeadersInjector())
        span.attributes["http.request.method"] = "GET"
        span.attributes["buddi.request"] = location
        span.attributes["buddi.attempt"] = number
        if number > 1 { span.attributes["http.request.resend_count"] = number - 1 }
        span.attributes["buddi.rate_limiter.wait_ms"] = rateLimiterWait.seconds * 1000
        let (outcome, status) = await ServiceContext.$current.withValue(span.context) { await perform(request) }
        if let status { span.attributes["http.response.status_code"] = status }
        switch outcome {
        case .page: break
        case .fatal(let error):
            span.attributes["error.type"] = error.kind
            span.setStatus(SpanStatus(code: .error, message: error.description))
        case .transient(let failure):
            span.attributes["error.type"] = failure.kind
            span.attributes["buddi.retried"] = true
            span.setStatus(SpanStatus(code: .error, message: failure.description))
        }
        return outcome
    }
}

/// Writes propagation headers into an HTTP request's headers.
struct HTTPHeadersInjector: Injector {
    func inject(_ value: String, forKey key: String, into headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: key, value: value)
    }
}
