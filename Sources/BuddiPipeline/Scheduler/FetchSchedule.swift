import Foundation

/// When the next fetch is due, from the settings and the fetches recorded so far: a pure
/// function of its inputs, so that a test can drive it with any clock.
///
/// - A scheduled fetch is due `fetchIntervalHours` after the last successful fetch began
///   (manual fetches count too), or at once when none has run.
/// - After a failed fetch it is due `errorRecoverySeconds` after the failure, not a whole
///   interval later.
/// - Nothing is due while a fetch is waiting or running, or while scheduling is stopped.
/// - A manual fetch, unless forced, is refused while one is in progress or within
///   `minFetchSpacingSeconds` of the last successful fetch's start.
package struct FetchSchedule: Sendable {
    /// The shared settings.
    package var settings: SchedulerSettings
    /// The most recent fetch, whatever its outcome.
    package var last: FetchRun?
    /// The most recent successful fetch.
    package var lastSuccess: FetchRun?
    /// The oldest fetch job not finished yet, if any.
    package var inProgressJobID: Int64?

    /// The schedule given the settings, the latest fetch, the latest successful one, and the fetch job in progress.
    package init(settings: SchedulerSettings, last: FetchRun?, lastSuccess: FetchRun?, inProgressJobID: Int64?) {
        self.settings = settings
        self.last = last
        self.lastSuccess = lastSuccess
        self.inProgressJobID = inProgressJobID
    }

    /// Whether a fetch is waiting, running or due for a retry.
    package var inProgress: Bool { inProgressJobID != nil }

    /// When the next scheduled fetch is due; nil while stopped or while a fetch is in progress.
    /// A time in the past means "now". `Date.distantPast` when no fetch has ever run.
    package var nextFetch: Date? {
        guard settings.enabled, !inProgress else { return nil }
        return dueTime
    }

    /// When a scheduled fetch would be due, ignoring whether scheduling runs.
    var dueTime: Date {
        if let last, last.outcome == .failed {
            return (last.finishedAt ?? last.requestedAt).addingTimeInterval(TimeInterval(settings.errorRecoverySeconds))
        }
        guard let lastSuccess else {
            // Only never-started runs (cancelled before a worker took them) or none at all.
            return last.map { $0.requestedAt.addingTimeInterval(settings.fetchInterval) } ?? .distantPast
        }
        return lastSuccess.beganAt.addingTimeInterval(max(settings.fetchInterval, TimeInterval(settings.minFetchSpacingSeconds)))
    }

    /// The slot a scheduled fetch due now would carry (its unique key): the same for every
    /// scheduler replica looking at the same state.
    package func slot(at now: Date) -> Date? {
        guard let next = nextFetch, next <= now else { return nil }
        return next == .distantPast ? Date(timeIntervalSince1970: 0) : next
    }

    /// Refuses a manual fetch at `now` unless `force`: one in progress, or too soon after the
    /// last successful one.
    package func checkManualFetch(at now: Date, force: Bool) throws(SchedulerError) {
        guard !force else { return }
        if inProgress { throw .fetchInProgress(jobID: inProgressJobID) }
        if let lastSuccess {
            let allowed = lastSuccess.beganAt.addingTimeInterval(TimeInterval(settings.minFetchSpacingSeconds))
            if now < allowed { throw .rateLimited(lastFetch: lastSuccess.beganAt, nextAllowed: allowed) }
        }
    }
}
