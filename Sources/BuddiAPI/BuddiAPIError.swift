/// Why a call to the Buddi API failed. Every case says what happened in words a person
/// understands; none ever contains the API key.
package enum BuddiAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The client's settings cannot work (for example a base URL without a host).
    case invalidConfiguration(String)
    /// 400: the API rejected the request; `detail` is its explanation. Not retried.
    case invalidRequest(detail: String)
    /// 401 or 403: the key is missing or wrong. Not retried.
    case unauthorized(host: String)
    /// 429 on every attempt, or a `Retry-After` longer than the retry policy accepts.
    case rateLimited(retryAfter: Duration?)
    /// 5xx, refused or reset connections, or timeouts on every attempt.
    case unavailable(attempts: Int, lastFailure: String)
    /// A status the contract does not describe (404 for a wrong base URL, for instance). Not retried.
    case unexpectedStatus(code: Int, detail: String)
    /// A body that is not JSON, is cut short, or has the wrong shape; `location` names the request
    /// and, where known, the place in the body.
    case malformedResponse(location: String, reason: String)
    /// The calling task was cancelled.
    case cancelled

    /// Whether trying the same call again later may succeed (the job queue's business; the client
    /// has already retried what it retries).
    package var isRetryable: Bool {
        switch self {
        case .rateLimited, .unavailable, .malformedResponse: true
        case .invalidConfiguration, .invalidRequest, .unauthorized, .unexpectedStatus, .cancelled: false
        }
    }

    /// A label for metrics and fetch records, one per case (`unauthorized`, `rate_limited`…).
    package var kind: String {
        switch self {
        case .invalidConfiguration: "invalid_configuration"
        case .invalidRequest: "invalid_request"
        case .unauthorized: "unauthorized"
        case .rateLimited: "rate_limited"
        case .unavailable: "unavailable"
        case .unexpectedStatus: "unexpected_status"
        case .malformedResponse: "malformed_response"
        case .cancelled: "cancelled"
        }
    }

    package var description: String {
        switch self {
        case .invalidConfiguration(let problem):
            "Invalid Buddi API configuration: \(problem)"
        case .invalidRequest(let detail):
            "The Buddi API rejected the request (400): \(detail)"
        case .unauthorized(let host):
            "BUDDI_API_KEY missing or rejected by \(host)"
        case .rateLimited(let retryAfter?):
            "The Buddi API is rate limiting buddi (429) and asks to wait \(retryAfter.secondsDescription)"
        case .rateLimited(nil):
            "The Buddi API kept answering 429 (rate limited) on every attempt"
        case .unavailable(let attempts, let lastFailure):
            "The Buddi API is unavailable: \(attempts) attempts failed, the last with \(lastFailure)"
        case .unexpectedStatus(let code, let detail):
            "The Buddi API answered HTTP \(code), which it is not documented to send (is BUDDI_API_BASE_URL right?): \(detail)"
        case .malformedResponse(let location, let reason):
            "The Buddi API sent a response buddi cannot read (\(location)): \(reason)"
        case .cancelled:
            "The Buddi API call was cancelled"
        }
    }
}
