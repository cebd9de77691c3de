import Foundation

/// How long a failed job waits before its next attempt: exponential backoff with jitter.
///
/// The delay after attempt `n` is `d = min(cap, base · 2^(n−1))`, then drawn uniformly from
/// `[d/2, d]` ("equal jitter"), so retries of jobs that failed together spread out.
public struct JobBackoff: Sendable, Equatable {
    /// The delay after the first failure, before jitter.
    public var base: Duration
    /// The longest delay.
    public var cap: Duration

    /// A policy; `base` must be positive and `cap` at least `base`.
    public init(base: Duration = .seconds(1), cap: Duration = .seconds(3600)) {
        self.base = base
        self.cap = cap
    }

    /// The delay after attempt `attempt` (1-based) failed.
    public func delay(afterAttempt attempt: Int32) -> Duration {
        let exponent = Double(max(0, min(attempt - 1, 62)))
        let capped = min(cap.inSeconds, base.inSeconds * pow(2, exponent))
        return .milliseconds(Int64(capped * Double.random(in: 0.5...1) * 1000))
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
