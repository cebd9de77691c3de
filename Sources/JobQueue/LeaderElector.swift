import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import PostgresResilience

/// Elects one leader among the processes campaigning for the same `name`, through a lease row
/// in `leader_leases`: the leader renews it every `renewInterval`; when the leader dies its
/// lease expires after `ttl` and another campaigner takes over, with a new term.
///
/// A leader's writes go through ``withFencedTransaction(_:)``, which locks the lease row and
/// checks the term inside the write's own transaction: a stale leader (paused past its lease,
/// or cut off from the database) is refused even if it still believes it leads.
public final class LeaderElector: Service, Sendable {
    /// The election the processes that run maintenance (lease rescue, pruning, the application's
    /// leader-only duties) campaign in.
    public static let maintenanceElection = "maintenance"

    /// What this process campaigns for (`scheduler`, `maintenance`…).
    public let name: String
    /// This campaigner's identity: host, pid and a random suffix.
    public let holderID: String
    private let client: DatabaseClient
    private let ttl: Duration
    private let renewInterval: Duration
    private let logger: Logger
    private let held = Mutex<Held?>(nil)

    private struct Held {
        var term: Int64
        var validUntil: ContinuousClock.Instant
    }

    /// - Parameters:
    ///   - ttl: how long a lease lasts without renewal: the longest a dead leader blocks a takeover.
    ///   - renewInterval: how often the leader renews and the others try to take over; well under `ttl`.
    public init(name: String, client: DatabaseClient, ttl: Duration = .seconds(15), renewInterval: Duration = .seconds(5), logger: Logger) {
        precondition(renewInterval < ttl, "the lease must outlive the time between renewals")
        self.name = name
        self.client = client
        self.ttl = ttl
        self.renewInterval = renewInterval
        self.holderID = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UInt32.random(in: 0...UInt32.max))"
        var logger = logger
        logger[metadataKey: "election"] = "\(name)"
        self.logger = logger
    }

    /// The term this process leads in, if its lease is still valid by its own clock (renewed
    /// within `ttl`). Writes must still be fenced: see ``withFencedTransaction(_:)``.
    public var term: Int64? {
        held.withLock { held in
            guard let current = held, current.validUntil > .now else { return nil }
            return current.term
        }
    }

    /// Whether this process leads now (see ``term``).
    public var isLeader: Bool { term != nil }

    /// How soon a round that could not reach the database is tried again (when sooner than
    /// `renewInterval`): an election is held within seconds of the database's return. Defaults
    /// to 1 second.
    public static let retryAfterFailureDefault: Duration = .seconds(1)

    /// Campaigns every `renewInterval` (sooner after a failed round) until shutdown, then
    /// resigns so another replica takes over at once instead of after the lease expires.
    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let reached = await self.campaign() != nil
                try? await Task.sleep(for: reached ? self.renewInterval : min(self.renewInterval, Self.retryAfterFailureDefault))
            }
        }
        await resign()
    }

    /// One round: takes or renews the lease. Returns whether this process leads afterwards.
    @discardableResult
    public func campaignOnce() async -> Bool {
        await campaign() ?? isLeader
    }

    /// One round; whether this process leads afterwards, or nil when the round failed.
    private func campaign() async -> Bool? {
        let started = ContinuousClock.now
        var newTerm: Int64?
        do {
            let (client, query, logger) = (client, LeaderSQL.campaign(name: name, holder: holderID, ttlSeconds: ttl.inSeconds), logger)
            newTerm = try await withDatabaseDeadline(renewInterval, "a leader election round") {
                var term: Int64?
                for try await value in try await client.query(query, logger: logger).decode(Int64.self) { term = value }
                return term
            }
        } catch {
            // Unsure whether the renewal landed: keep what we had; it lapses at its deadline.
            logger.warning("leader election round failed", metadata: ["error": "\(ErrorSummary.oneLine(error))"])
            return nil
        }
        let previous = held.withLock { held in
            let previous = held?.term
            // Validity counts from before the statement was sent: never longer than the database's.
            held = newTerm.map { Held(term: $0, validUntil: started + ttl) }
            return previous
        }
        if let newTerm, previous != newTerm {
            logger.info("elected leader", metadata: ["term": "\(newTerm)", "holder": "\(holderID)"])
        } else if newTerm == nil, let previous {
            logger.warning("lost leadership", metadata: ["term": "\(previous)"])
        }
        return newTerm != nil
    }

    /// Runs `body` in a transaction that holds the lease row locked, if this process still leads
    /// in its term by the database's clock; returns nil without running it otherwise.
    public func withFencedTransaction<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T? {
        guard let term else { return nil }
        return try await client.transaction(logger: logger) { [self] connection -> T? in
            var fenced = false
            for try await _ in try await connection.query(LeaderSQL.fence(name: name, holder: holderID, term: term), logger: logger) {
                fenced = true
            }
            guard fenced else {
                logger.warning("fenced off: another process leads now", metadata: ["term": "\(term)"])
                held.withLock { $0 = nil }
                return nil
            }
            return try await body(connection)
        }
    }

    /// Gives the lease up, if held.
    public func resign() async {
        guard held.withLock({ held in defer { held = nil }; return held != nil }) else { return }
        do {
            let (client, query, logger) = (client, LeaderSQL.resign(name: name, holder: holderID), logger)
            try await withDatabaseDeadline(.seconds(5), "resigning leadership") { try await client.execute(query, logger: logger) }
            logger.info("resigned leadership")
        } catch {
            logger.warning("could not resign leadership; it lapses when the lease expires", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// Who leads `name` now, as the database says; nil when nobody holds a valid lease.
    public static func currentLeader(of name: String, client: DatabaseClient, logger: Logger) async throws -> Leader? {
        let rows = try await client.query(LeaderSQL.current(name: name), logger: logger)
        for try await (holder, term, electedAt, valid) in rows.decode((String, Int64, Date, Bool).self) where valid {
            return Leader(holder: holder, term: term, electedAt: electedAt)
        }
        return nil
    }
}

/// The holder of a valid lease.
public struct Leader: Sendable, Codable, Equatable {
    public var holder: String
    public var term: Int64
    public var electedAt: Date

    enum CodingKeys: String, CodingKey {
        case holder, term
        case electedAt = "elected_at"
    }
}
