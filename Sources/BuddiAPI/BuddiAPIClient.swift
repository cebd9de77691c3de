import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1

/// The Buddi API client: `get_memories` with retries, backoff and a client-side rate limit.
///
/// One client per process is the intent: it is `Sendable`, every fetcher can share it, and its
/// ``RateLimiter`` then bounds the whole process. Call ``shutdown()`` when done, or use
/// ``withClient(configuration:logger:_:)``.
package final class BuddiAPIClient: Sendable {
    /// The settings this client was made with.
    package let configuration: BuddiAPIConfiguration
    /// The limiter every request of this client waits for (the configuration's rate and burst).
    private let rateLimiter: RateLimiter
    private let httpClient: HTTPClient
    private let logger: Logger

    /// A client limited to the configuration's `requestsPerSecond` and `burst`.
    /// Throws ``BuddiAPIError/invalidConfiguration(_:)`` for a base URL it cannot call.
    package init(configuration: BuddiAPIConfiguration, logger: Logger = Logger(label: "buddi.api")) throws(BuddiAPIError) {
        try configuration.validate()
        self.configuration = configuration
        self.rateLimiter = RateLimiter(requestsPerSecond: configuration.requestsPerSecond, burst: configuration.burst)
        self.logger = logger
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout = .init(
            connect: TimeAmount(configuration.connectTimeout),
            read: TimeAmount(configuration.readTimeout)
        )
        self.httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: httpConfiguration,
            backgroundActivityLogger: logger
        )
    }

    /// Runs `body` with a client and shuts the client down afterwards, whatever happens.
    package static func withClient<Result: Sendable>(
        configuration: BuddiAPIConfiguration,
        logger: Logger = Logger(label: "buddi.api"),
        _ body: (BuddiAPIClient) async throws -> Result
    ) async throws -> Result {
        let client = try BuddiAPIClient(configuration: configuration, logger: logger)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Closes the connections. The client cannot be used afterwards.
    package func shutdown() async throws {
        try await httpClient.shutdown()
    }

    /// The pages of `query`, newest first, from `cursor` (the first page when `nil`) to the last.
    package func pages(_ query: MemoryQuery = MemoryQuery(), from cursor: String? = nil) -> MemoryPages {
        MemoryPages(client: self, query: query, startCursor: cursor)
    }

    /// The memories of `query`, newest first, from `cursor` to the last page. A memory that a
    /// faulty server repeats on the next page is yielded once; undecodable ones are logged and skipped.
    package func memories(_ query: MemoryQuery = MemoryQuery(), from cursor: String? = nil) -> MemoryStream {
        MemoryStream(pages: pages(query, from: cursor))
    }

    /// Fetches one page, waiting for the rate limiter and retrying transient failures as the
    /// configuration's ``RetryPolicy`` says. Undecodable memories are in ``MemoryPage/skipped``
    /// and logged as warnings.
    package func fetchPage(_ query: MemoryQuery = MemoryQuery(), cursor: String? = nil) async throws(BuddiAPIError)
        -> MemoryPage
    {
        let target = requestTarget(query, cursor: cursor)
        return try await APISpans.page(target.location) { () async throws(BuddiAPIError) in
            try await fetchPage(target, cursor: cursor)
        }
    }

    private func fetchPage(_ target: (url: String, location: String), cursor: String?) async throws(BuddiAPIError) -> MemoryPage {
        var request = HTTPClientRequest(url: target.url)
        request.method = .GET
        request.headers.add(name: "accept", value: "application/json")
        if let key = configuration.apiKey { request.headers.add(name: "api-key", value: key.secret) }
        var logger = self.logger
        logger[metadataKey: "buddi.request"] = "\(target.location)"
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        var retriedFailures: [String] = []
        while true {
            let waitStart = ContinuousClock.now
            do { try await rateLimiter.acquire() } catch { throw .cancelled }
            logger.debug("Requesting Buddi memories", metadata: ["buddi.attempt": "\(attempt)"])
            var outcome = await APISpans.attempt(
                attempt, location: target.location, rateLimiterWait: ContinuousClock.now - waitStart, request: request
            ) { request in
                await perform(request, location: target.location, logger: logger)
            }
            if case .page(let page) = outcome, let next = page.nextCursor, next == cursor {
                // Following it would fetch this page for ever; asked again, a server stuck once
                // usually moves on.
                outcome = .transient(.unreadableBody("next_cursor repeats the cursor of the request"))
            }
            switch outcome {
            case .page(var page):
                page.retriedFailures = retriedFailures
                for skipped in page.skipped {
                    logger.warning("Skipped a Buddi memory that does not decode", metadata: ["buddi.skipped": "\(skipped)"])
                }
                return page
            case .fatal(let error):
                Counter(label: "buddi_api_call_failures_total", dimensions: [("kind", error.kind)]).increment()
                logger.debug("Buddi API call failed", metadata: ["buddi.error": "\(error)"])
                throw error
            case .transient(let failure):
                Counter(label: "buddi_api_call_failures_total", dimensions: [("kind", failure.kind)]).increment()
                retriedFailures.append(failure.kind)
                let retryAfter = failure.retryAfter
                if let retryAfter, retryAfter > configuration.retry.maxRetryAfter {
                    throw .rateLimited(retryAfter: retryAfter)
                }
                guard attempt <= configuration.retry.maxRetries else {
                    logger.warning("Buddi API call gave up", metadata: ["buddi.failure": "\(failure)"])
                    throw failure.exhausted(attempts: attempt, location: target.location)
                }
                let wait = retryAfter ?? configuration.retry.backoff(beforeRetry: attempt, using: &generator)
                // Rate limiting and transient failures are the original's warnings: not failures yet.
                logger.warning(
                    "Buddi API call failed, retrying",
                    metadata: ["buddi.failure": "\(failure)", "buddi.attempt": "\(attempt)", "buddi.wait": "\(wait.secondsDescription)"]
                )
                do { try await Task.sleep(for: wait) } catch { throw .cancelled }
                attempt += 1
            }
        }
    }

    /// One HTTP attempt, classified. The request timeout bounds the whole attempt, body
    /// included (AsyncHTTPClient's own deadline ends with the response head, so a body that
    /// trickles in would otherwise hold the attempt for ever).
    /// Returns the response's status too, when there was one.
    private func perform(_ request: HTTPClientRequest, location: String, logger: Logger) async -> (outcome: AttemptOutcome, status: Int?) {
        let (client, limit, maxBytes) = (httpClient, configuration.requestTimeout, configuration.maxResponseBytes)
        do {
            let (status, headers, body) = try await AttemptDeadline.within(limit) {
                let response = try await client.execute(request, timeout: TimeAmount(limit), logger: logger)
                let body = try await response.body.collect(upTo: maxBytes)
                return (response.status, response.headers, Data(body.readableBytesView))
            }
            return (classify(status: status, headers: headers, body: body, location: location), Int(status.code))
        } catch let error as AttemptDeadline {
            return (.transient(.transport(error.description)), nil)
        } catch is NIOTooManyBytesError {
            return (.fatal(.malformedResponse(location: location, reason: "the body is larger than \(configuration.maxResponseBytes) bytes")), nil)
        } catch {
            if Task.isCancelled { return (.fatal(.cancelled), nil) }
            return (.transient(.transport(TransportFailure.describe(error))), nil)
        }
    }

    /// Maps a response onto the contract.
    private func classify(status: HTTPResponseStatus, headers: HTTPHeaders, body: Data, location: String) -> AttemptOutcome {
        switch status.code {
        case 200:
            do {
                return .page(try MemoryPage(body: body, limits: configuration.memoryLimits))
            } catch {
                return .transient(.unreadableBody(redacted(error.reason)))
            }
        case 400:
            return .fatal(.invalidRequest(detail: redacted(ErrorDetail.read(body))))
        case 401, 403:
            return .fatal(.unauthorized(host: configuration.hostDescription))
        case 429:
            return .transient(.rateLimited(retryAfter: headers.first(name: "retry-after").flatMap { RetryAfter.delay($0) }))
        case 408, 500...599:
            return .transient(.status(Int(status.code)))
        default:
            return .fatal(.unexpectedStatus(code: Int(status.code), detail: redacted(ErrorDetail.read(body))))
        }
    }

    /// `text` with the API key replaced, in case a server echoes it back.
    private func redacted(_ text: String) -> String {
        guard let key = configuration.apiKey else { return text }
        return text.replacingOccurrences(of: key.secret, with: "<redacted>")
    }

    /// The URL of a `get_memories` call, and how messages name it (path and query; the key is a header).
    private func requestTarget(_ query: MemoryQuery, cursor: String?) -> (url: String, location: String) {
        var parameters = [("limit", "\(query.pageSize)")]
        if let date = query.date { parameters.append(("date", "\(date)")) }
        if let cursor { parameters.append(("cursor", cursor)) }
        let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+;"))
        let queryText = parameters.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
        let base = configuration.baseURL.absoluteString
        let url = (base.hasSuffix("/") ? base : base + "/") + "get_memories?" + queryText
        let path = configuration.baseURL.path
        return (url, "GET \(path.hasSuffix("/") ? path : path + "/")get_memories?\(queryText)")
    }
}
