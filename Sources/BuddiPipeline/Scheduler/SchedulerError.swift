import Foundation

/// Why a scheduling request was refused.
package enum SchedulerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting outside its bounds.
    case outOfBounds(setting: String, bounds: ClosedRange<Int>, value: Int)
    /// An environment variable that is not a number.
    case badEnvironment(name: String, value: String)
    /// A fetch is already waiting or running.
    case fetchInProgress(jobID: Int64?)
    /// The last fetch began less than the minimum spacing ago.
    case rateLimited(lastFetch: Date, nextAllowed: Date)

    package var description: String {
        switch self {
        case .outOfBounds(let setting, let bounds, let value):
            "\(setting) must be from \(bounds.lowerBound) to \(bounds.upperBound), got \(value)"
        case .badEnvironment(let name, let value):
            "\(name) must be a whole number, got '\(value)'"
        case .fetchInProgress(let jobID?):
            "a fetch is already in progress (job \(jobID)); wait for it, or use force"
        case .fetchInProgress(nil):
            "a fetch is already in progress; wait for it, or use force"
        case .rateLimited(let lastFetch, let nextAllowed):
            "rate limited: the last fetch began at \(Self.format(lastFetch)); the next may begin at \(Self.format(nextAllowed)) (or use force)"
        }
    }

    private static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
