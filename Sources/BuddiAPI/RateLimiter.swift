/// A token bucket: on average at most `requestsPerSecond` requests, at most `burst` at once.
///
/// One limiter is meant to be shared by every fetcher in a process, so buddi never hammers the
/// API however many fetchers run: ``BuddiAPIClient`` takes one token per HTTP request (retries
/// included). Share one client, or pass the same limiter to several clients.
package actor RateLimiter {
    /// Tokens added per second.
    package nonisolated let requestsPerSecond: Double
    /// Capacity of the bucket.
    package nonisolated let burst: Int

    private var tokens: Double
    private var lastRefill: ContinuousClock.Instant
    private let clock = ContinuousClock()

    /// A full bucket. `requestsPerSecond` and `burst` are raised to sensible minimums
    /// (0.001 per second and 1).
    package init(requestsPerSecond: Double, burst: Int) {
        self.requestsPerSecond = max(requestsPerSecond, 0.001)
        self.burst = max(burst, 1)
        self.tokens = Double(max(burst, 1))
        self.lastRefill = clock.now
    }

    /// Waits until a request may be sent. Throws `CancellationError` if cancelled while waiting.
    package nonisolated func acquire() async throws {
        let wait = await reserve()
        if wait > .zero { try await Task.sleep(for: wait) }
    }

    /// Takes a token now, going into debt if there is none; returns how long until the debt is paid.
    /// Reserving synchronously keeps waiters in arrival order, whatever the actor's reentrancy.
    private func reserve() -> Duration {
        let now = clock.now
        let elapsed = lastRefill.duration(to: now)
        lastRefill = now
        tokens = min(Double(burst), tokens + elapsed.seconds * requestsPerSecond)
        tokens -= 1
        return tokens >= 0 ? .zero : .seconds(-tokens / requestsPerSecond)
    }
}
