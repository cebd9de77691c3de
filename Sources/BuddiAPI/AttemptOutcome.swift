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

    /// A label for metrics and fetch records: `server_error`, `rate_limited` or `transport`.
    var kind: String {
        switch self {
        case .status: "server_error"
        case .rateLimited: "rate_limited"
        case .transport: "transport"
        }
    }

    /// The wait the server asked for.
    var retryAfter: Duration? {
        if case .rateLimited(let retryAfter) = self { return retryAfter }
        return nil
    }

    /// The error once no attempt is left.
    func exhausted(attempts: Int) -> BuddiAPIError {
        if case .rateLimited(let retryAfter) = self { return .rateLimited(retryAfter: retryAfter) }
        return .unavailable(attempts: attempts, lastFailure: description)
    }

    var description: String {
        switch self {
        case .status(let code): "HTTP \(code)"
        case .rateLimited(let retryAfter?): "HTTP 429, Retry-After \(retryAfter.secondsDescription)"
        case .rateLimited(nil): "HTTP 429"
        case .transport(let reason): reason
        }
    }
}
