import Foundation

/// The `Retry-After` header: a number of seconds, or an HTTP-date.
enum RetryAfter {
    /// The wait `header` asks for, from `now`; `nil` when the header is unreadable. A date in the
    /// past means no wait.
    static func delay(_ header: String, now: Date = Date()) -> Duration? {
        let text = header.trimmingCharacters(in: .whitespaces)
        // Capped at a day (longer waits are refused by the retry policy anyway), so that a huge
        // number cannot overflow the conversion.
        if let seconds = Double(text), seconds >= 0, seconds.isFinite { return .milliseconds(Int64(min(seconds, 86_400) * 1000)) }
        guard let date = BuddiTimestamp.parse(httpDate: text) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }
}
