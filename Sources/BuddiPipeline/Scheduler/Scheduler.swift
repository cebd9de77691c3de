import Foundation
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle

/// `buddi scheduler`'s duty: every `tickInterval`, while this replica leads the `scheduler`
/// election, enqueue the scheduled fetch that is due, if one is. The enqueue runs in a
/// transaction fenced on the leader's term, and the fetch carries its time slot as a unique
/// key, so that two replicas can never both enqueue a slot.
package struct Scheduler: Service {
    /// The election the scheduler replicas campaign in.
    package static let electionName = "scheduler"

    let elector: LeaderElector
    let requests: FetchRequests
    let tickInterval: Duration
    let clock: @Sendable () -> Date
    let logger: Logger

    /// - Parameter clock: what "now" is when deciding whether a fetch is due (tests move it).
    package init(
        elector: LeaderElector, requests: FetchRequests, tickInterval: Duration = .seconds(5),
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.elector = elector
        self.requests = requests
        self.tickInterval = tickInterval
        self.clock = clock
        self.logger = logger
    }

    package func run() async {
        await PeriodicDuty(name: "scheduler tick", interval: tickInterval, logger: logger) { try await tick() }.run()
    }

    /// One tick: enqueues the due fetch if this replica leads. Returns its job id, if any.
    @discardableResult
    package func tick() async throws -> Int64? {
        guard elector.isLeader else { return nil }
        let now = clock()
        do {
            return try await elector.withFencedTransaction { connection in
                try await requests.enqueueScheduledIfDue(at: now, on: connection)
            } ?? nil
        } catch is SlotTaken {
            logger.debug("the due slot already has its fetch")
            return nil
        }
    }
}
