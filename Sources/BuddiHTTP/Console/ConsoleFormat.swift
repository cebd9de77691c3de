import BuddiAPI
import Foundation
import PostgresResilience

/// How the console writes times, durations, shares and JSON.
enum ConsoleFormat {
    /// `2026-12-01 19:05:18 UTC`, or an em dash for none.
    static func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeZone: .gmt)) .replacingOccurrences(of: "Z", with: " UTC")
    }

    /// A `<time>` element with the moment and, as its text, how long ago (or how soon) it is.
    static func relative(_ date: Date?, now: Date = Date()) -> HTML {
        guard let date else { return "—" }
        let seconds = now.timeIntervalSince(date)
        let text = seconds >= 0 ? duration(seconds) + " ago" : "in " + duration(-seconds)
        return "<time datetime=\"\(ISO8601DateFormatter().string(from: date))\" title=\"\(time(date))\">\(text)</time>"
    }

    /// `850 ms`, `12.3 s`, `4 min`, `3.5 h`, `2.0 d`.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "—" }
        switch seconds {
        case ..<1: return "\(Int((seconds * 1000).rounded())) ms"
        case ..<60: return String(format: "%.1f s", seconds)
        case ..<3600: return "\(Int((seconds / 60).rounded())) min"
        case ..<86_400: return String(format: "%.1f h", seconds / 3600)
        default: return String(format: "%.1f d", seconds / 86_400)
        }
    }

    /// `97.5 %`, or an em dash when there is nothing to divide.
    static func percent(_ share: Double?) -> String {
        share.map { String(format: "%.1f %%", $0 * 100) } ?? "—"
    }

    /// A score to two decimals.
    static func score(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0) } ?? "—"
    }

    /// A count, or an em dash.
    static func count(_ value: Int?) -> String {
        value.map(String.init) ?? "—"
    }

    /// A bounded count: the number, or "about" its estimate.
    static func count(_ value: BoundedCount) -> String {
        value.exact ? String(value.value) : "about \(value.value)"
    }

    /// JSON indented for reading, in a `<pre>`.
    static func json(_ value: JSONValue?) -> HTML {
        guard let value else { return "<p class=\"muted\">none</p>" }
        let text = (try? JSONSerialization.jsonObject(with: Data(value.jsonText.utf8), options: [.fragmentsAllowed]))
            .flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed]) }
            .map { String(decoding: $0, as: UTF8.self) } ?? value.jsonText
        return "<pre>\(text)</pre>"
    }
}
