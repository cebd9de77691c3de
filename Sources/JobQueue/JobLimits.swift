/// The engine's bounds on durations, each named once.
public enum JobLimits {
    /// The longest one attempt may run: a longer timeout (a job's own, a kind's, an operator's)
    /// is cut to it, so that a deadline never overflows the clock. A week.
    public static let longestTimeout: Duration = .seconds(7 * 86_400)

    /// The longest a retry or a snooze may put a job off; a longer delay is cut to it. A year.
    public static let longestDelay: Duration = .seconds(365 * 86_400)
}
