/// How one HTTP attempt ended, as the retry loop sees it.
enum AttemptOutcome: Sendable {
    /// A page: done.
    case page(MemoryPage)
    /// A failure that another attempt cannot fix.
    case fatal(BuddiAPIError)
    /// A failure that may pass.
    case transient(TransientFailure)
}

/// A failure worth another attempt.
enum TransientFailure: Sendable, CustomStringConvertible {
    /// 5xx (or 408).
    case status(Int)
    /// 429, with the wait the server asked for, if it did.
    case rateLimited(retryAfter: Duration?)
    /// No response: connection refused or reset, a timeout; the text says which.
    case transport(String)
    /// A `200` whose body cannot be read as a page (cut short, not JSON, a `next_cursor` that
    /// repeats the request's): usually a passing fault of the server or the network.
    case unreadableBody(String)

    /// A label for metrics and fetch records: `server_error`, `rate_limited`, `transport` or
    /// `malformed_response`.
    var kind: String {
        switch self {
        case .status: "server_error"
        case .rateLimited: "rate_limited"
        case .transport: "transport"
        case .unreadableBody: "malformed_response"
        }
    }

    /// The wait the server asked for.
    var retryAfter: Duration? {
        if case .rateLimited(let retryAfter) = self { return retryAfter }
        return nil
    }

    /// The error once no attempt is left, for the request at `location`.
    func exhausted(attempts: Int, location: String) -> BuddiAPIError {
        switch self {
        case .rateLimited(let retryAfter): .rateLimited(retryAfter: retryAfter)
        case .unreadableBody(let reason): .malformedResponse(location: location, reason: "\(reason) (on each of \(attempts) attempts)")
        case .status, .transport: .unavailable(attempts: attempts, lastFailure: description)
        }
    }

    var description: String {
        switch self {
        case .status(let code): "HTTP \(code)"
        case .rateLimited(let retryAfter?): "HTTP 429, Retry-After \(retryAfter.secondsDescription)"
        case .rateLimited(nil): "HTTP 429"
        case .transport(let reason): reason
        case .unreadableBody(let reason): "an unreadable body: \(reason)"
        }
    }
}
