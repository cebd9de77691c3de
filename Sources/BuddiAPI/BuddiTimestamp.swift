import Foundation

/// Reads the timestamps seen in Buddi memories and HTTP headers.
enum BuddiTimestamp {
    /// ISO 8601 with or without fractional seconds, with `Z`, an offset or no zone (taken as UTC),
    /// with `T` or a space between date and time, or a bare `YYYY-MM-DD`; or a number of seconds
    /// since 1970. `nil` for anything else, and for times outside 2000–2100: a memory's time
    /// in milliseconds, or in year 9999, would otherwise become the fetch watermark (or be refused
    /// by PostgreSQL) and stop ingestion.
    static func parse(_ value: JSONValue) -> Date? {
        let date: Date?
        switch value {
        case .number(let seconds): date = seconds.isFinite ? Date(timeIntervalSince1970: seconds) : nil
        case .string(let text): date = parse(iso8601: text)
        default: date = nil
        }
        return date.flatMap { plausibleTimes.contains($0) ? $0 : nil }
    }

    /// 2000-01-01 to 2100-01-01.
    static let plausibleTimes = Date(timeIntervalSince1970: 946_684_800)...Date(timeIntervalSince1970: 4_102_444_800)

    static func parse(iso8601 text: String) -> Date? {
        RFC3339Time.parse(text) ?? parse(foundationISO8601: text)
    }

    /// What ``RFC3339Time`` does not read: by Foundation, after normalizing the text.
    static func parse(foundationISO8601 text: String) -> Date? {
        var normalized = text.trimmingCharacters(in: .whitespaces)
        if normalized.utf8.count == 10 { normalized += "T00:00:00" }
        if let space = normalized.firstIndex(of: " ") { normalized.replaceSubrange(space...space, with: "T") }
        let time = normalized.split(separator: "T", maxSplits: 1).dropFirst().first ?? ""
        if !time.contains(where: { $0 == "Z" || $0 == "z" || $0 == "+" || $0 == "-" }) { normalized += "Z" }
        return try? Date.ISO8601FormatStyle().parse(normalized)
    }

    /// An HTTP-date (RFC 9110), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func parse(httpDate text: String) -> Date? {
        httpDateFormatter().date(from: text.trimmingCharacters(in: .whitespaces))
    }

    private static func httpDateFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter
    }
}
