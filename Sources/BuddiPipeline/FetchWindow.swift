import BuddiAPI

/// Why a fetch's day or window cannot be walked. Each case names the parameter by its
/// snake_case name; ``message(naming:)`` spells it the caller's way (`--date` on the CLI).
package enum FetchWindowError: Error, Sendable, Equatable, CustomStringConvertible {
    case notADay(parameter: String, value: String)
    case dateWithSince
    case untilWithoutSince
    case reversed(since: String, until: String)
    case tooLong(days: Int)
    case maxConversationsOutOfBounds(Int)

    /// The longest window a fetch walks, in days.
    package static let maxDays = 3660

    /// The message, with parameter names spelled by `name`.
    package func message(naming name: (String) -> String) -> String {
        switch self {
        case .notADay(let parameter, let value): "\(name(parameter)) must be a date as YYYY-MM-DD, got '\(value)'"
        case .dateWithSince: "give \(name("date")) or \(name("since")), not both"
        case .untilWithoutSince: "\(name("until")) needs \(name("since"))"
        case .reversed(let since, let until): "\(name("until")) (\(until)) is before \(name("since")) (\(since))"
        case .tooLong(let days): "the window from \(name("since")) to \(name("until")) is \(days) days; at most \(Self.maxDays)"
        case .maxConversationsOutOfBounds(let value):
            "\(name("max_conversations")) must be from \(FetchArgs.maxConversationsBounds.lowerBound) to \(FetchArgs.maxConversationsBounds.upperBound), got \(value)"
        }
    }

    package var description: String { message { $0 } }
}

extension FetchArgs {
    /// The most memories one fetch may take.
    package static let maxConversationsBounds = 1...100_000

    /// Checks everything a fetch is given (the one place the CLI, the HTTP API and the job itself
    /// check it) and returns the days it walks, newest first as the API pages: one `nil` day (no
    /// date filter) for a fetch down to the watermark.
    @discardableResult
    package func validate() throws(FetchWindowError) -> [BuddiDate?] {
        guard Self.maxConversationsBounds.contains(maxConversations) else { throw .maxConversationsOutOfBounds(maxConversations) }
        return try days()
    }

    private func days() throws(FetchWindowError) -> [BuddiDate?] {
        if date != nil, since != nil { throw .dateWithSince }
        if until != nil, since == nil { throw .untilWithoutSince }
        if let date {
            guard let day = BuddiDate(date) else { throw .notADay(parameter: "date", value: date) }
            return [day]
        }
        guard let since else { return [nil] }
        guard let first = BuddiDate(since) else { throw .notADay(parameter: "since", value: since) }
        guard let last = BuddiDate(until ?? since) else { throw .notADay(parameter: "until", value: until ?? "") }
        guard first <= last else { throw .reversed(since: since, until: until ?? "") }
        let count = Int((last.start.timeIntervalSince(first.start) / 86_400).rounded()) + 1
        guard count <= FetchWindowError.maxDays else { throw .tooLong(days: count) }
        var days: [BuddiDate?] = []
        var day = first
        while day <= last {
            days.append(day)
            day = BuddiDate(containing: day.end)
        }
        return days.reversed()
    }
}
