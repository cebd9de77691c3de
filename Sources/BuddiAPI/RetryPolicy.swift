/// How ``BuddiAPIClient`` retries a request that failed for a reason that may pass:
/// a 5xx, a 429, a refused or reset connection, a connect or read timeout.
///
/// The n-th retry waits `initialBackoff × multiplier^(n-1)`, capped at `maxBackoff`, plus a random
/// jitter of up to `jitter` times that (so parallel fetchers do not retry in lock step). A 429 with
/// `Retry-After` waits what the server asks instead, unless it asks more than `maxRetryAfter`.
package struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt; `0` disables retrying.
    package var maxRetries: Int
    /// Wait before the first retry.
    package var initialBackoff: Duration
    /// Growth of the wait from one retry to the next.
    package var multiplier: Double
    /// Upper bound of the exponential part of the wait.
    package var maxBackoff: Duration
    /// Extra random wait, as a fraction (0…1) of the exponential part.
    package var jitter: Double
    /// The longest `Retry-After` honoured; a server asking for more ends the call with
    /// ``BuddiAPIError/rateLimited(retryAfter:)`` at once.
    package var maxRetryAfter: Duration

    /// A policy; the defaults suit the real API (6 attempts over about 15 s).
    package init(
        maxRetries: Int = 5,
        initialBackoff: Duration = .milliseconds(500),
        multiplier: Double = 2,
        maxBackoff: Duration = .seconds(10),
        jitter: Double = 0.5,
        maxRetryAfter: Duration = .seconds(120)
    ) {
        self.maxRetries = max(0, maxRetries)
        self.initialBackoff = initialBackoff
        self.multiplier = max(1, multiplier)
        self.maxBackoff = maxBackoff
        self.jitter = min(max(jitter, 0), 1)
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before retry number `retry` (1 for the first retry).
    package func backoff(beforeRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        var capped = min(initialBackoff, maxBackoff)
        for _ in 1..<max(1, retry) { capped = min(capped * multiplier, maxBackoff) }
        return capped + capped * Double.random(in: 0...jitter, using: &generator)
    }
}
