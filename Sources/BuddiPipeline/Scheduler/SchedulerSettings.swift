import Foundation

/// The scheduler's settings, one row in `scheduler_settings` that every process shares.
package struct SchedulerSettings: Sendable, Equatable, Codable {
    /// The bounds the original enforced.
    package static let intervalBounds = 1...24
    package static let maxConversationsBounds = 1...1000

    /// Whether scheduled fetches run (`buddi start` / `buddi stop`).
    package var enabled: Bool
    /// Hours between scheduled fetches.
    package var fetchIntervalHours: Int
    /// The most memories one scheduled fetch takes.
    package var maxConversationsPerFetch: Int
    /// No two fetches start closer than this, unless forced (the original's 1 h rate limit).
    package var minFetchSpacingSeconds: Int
    /// After a failed fetch, the next try comes this long after the failure.
    package var errorRecoverySeconds: Int
    package var updatedAt: Date

    package var fetchInterval: TimeInterval { TimeInterval(fetchIntervalHours) * 3600 }

    enum CodingKeys: String, CodingKey {
        case enabled
        case fetchIntervalHours = "fetch_interval_hours"
        case maxConversationsPerFetch = "max_conversations_per_fetch"
        case minFetchSpacingSeconds = "min_fetch_spacing_seconds"
        case errorRecoverySeconds = "error_recovery_seconds"
        case updatedAt = "updated_at"
    }

    /// Checks a change against the bounds; the error names the setting, the bounds and the value.
    package static func validate(fetchIntervalHours: Int?, maxConversationsPerFetch: Int?) throws(SchedulerError) {
        if let hours = fetchIntervalHours, !intervalBounds.contains(hours) {
            throw .outOfBounds(setting: "fetch_interval_hours", bounds: intervalBounds, value: hours)
        }
        if let max = maxConversationsPerFetch, !maxConversationsBounds.contains(max) {
            throw .outOfBounds(setting: "max_conversations_per_fetch", bounds: maxConversationsBounds, value: max)
        }
    }
}

/// The settings a first start creates: SCHEDULER_FETCH_INTERVAL_HOURS and
/// SCHEDULER_MAX_CONVERSATIONS_PER_FETCH, else 2 h and 50.
package struct SchedulerDefaults: Sendable, Equatable {
    package var fetchIntervalHours = 2
    package var maxConversationsPerFetch = 50

    /// Defaults with these values (the original's: 2 h, 50).
    package init(fetchIntervalHours: Int = 2, maxConversationsPerFetch: Int = 50) {
        self.fetchIntervalHours = fetchIntervalHours
        self.maxConversationsPerFetch = maxConversationsPerFetch
    }

    /// Reads the environment; a value that is not a number within bounds is an error naming it.
    package static func fromEnvironment(_ environment: [String: String]) throws(SchedulerError) -> Self {
        var defaults = Self()
        if let text = environment["SCHEDULER_FETCH_INTERVAL_HOURS"], !text.isEmpty {
            guard let hours = Int(text) else { throw .badEnvironment(name: "SCHEDULER_FETCH_INTERVAL_HOURS", value: text) }
            defaults.fetchIntervalHours = hours
        }
        if let text = environment["SCHEDULER_MAX_CONVERSATIONS_PER_FETCH"], !text.isEmpty {
            guard let max = Int(text) else { throw .badEnvironment(name: "SCHEDULER_MAX_CONVERSATIONS_PER_FETCH", value: text) }
            defaults.maxConversationsPerFetch = max
        }
        try SchedulerSettings.validate(
            fetchIntervalHours: defaults.fetchIntervalHours, maxConversationsPerFetch: defaults.maxConversationsPerFetch)
        return defaults
    }
}
