import Foundation

/// A calendar day as the API's `date` parameter wants it: `YYYY-MM-DD`, in UTC.
package struct BuddiDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The first instant of the day (UTC).
    package let start: Date

    /// Parses `YYYY-MM-DD`; `nil` for anything else, including impossible days like `2025-02-30`.
    package init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2,
            parts[2].count == 2, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: Self.calendar), let start = Self.calendar.date(from: components) else {
            return nil
        }
        self.start = start
    }

    /// The day (UTC) that contains `date`.
    package init(containing date: Date) {
        self.start = Self.calendar.startOfDay(for: date)
    }

    /// The first instant of the next day.
    package var end: Date { Self.calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400) }

    /// `YYYY-MM-DD`.
    package var description: String {
        let parts = Self.calendar.dateComponents([.year, .month, .day], from: start)
        let year = parts.year ?? 0, month = parts.month ?? 0, day = parts.day ?? 0
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    package static func < (lhs: BuddiDate, rhs: BuddiDate) -> Bool { lhs.start < rhs.start }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()
}
