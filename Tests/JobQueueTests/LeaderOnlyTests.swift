import PostgresResilience
import DatabaseTestSupport
import Foundation
import JobQueue
import ServiceLifecycle
import Synchronization
import Testing

/// A duty that records whether it is running, and runs until cancelled.
private final class Duty: Service, Sendable {
    private let state = Mutex((starts: 0, running: false))

    var starts: Int { state.withLock { $0.starts } }
    var isRunning: Bool { state.withLock { $0.running } }

    func run() async throws {
        state.withLock { $0.starts += 1; $0.running = true }
        defer { state.withLock { $0.running = false } }
        try await Task.sleep(for: .seconds(3600))
    }
}

@Suite("Leader election")
struct LeaderOnlyTests {
    @Test("a leader-only duty starts when its process is elected and stops when the lease is taken over")
    func leaderOnly() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let elector = LeaderElector(name: "maintenance", client: db.client, ttl: .seconds(30), renewInterval: .seconds(10), logger: db.logger)
        let duty = Duty()
        let guarded = LeaderOnly(duty, elector: elector, checkInterval: .milliseconds(20), logger: db.logger)
        try await withServicesRunning([guarded], logger: db.logger) {
            try await Task.sleep(for: .milliseconds(200))
            #expect(duty.starts == 0, "not elected: not started")
            #expect(await elector.campaignOnce())
            #expect(try await eventually(timeout: .seconds(5)) { duty.isRunning })

            // The lease lapses and another process takes over: this one stops its duty.
            try await db.execute("UPDATE leader_leases SET expires_at = now() - interval '1 second'")
            let other = LeaderElector(name: "maintenance", client: db.client, logger: db.logger)
            #expect(await other.campaignOnce())
            #expect(await !elector.campaignOnce())
            #expect(try await eventually(timeout: .seconds(5)) { !duty.isRunning })
            #expect(duty.starts == 1)

            // Elected again after the other resigns: started again.
            await other.resign()
            #expect(await elector.campaignOnce())
            #expect(try await eventually(timeout: .seconds(5)) { duty.isRunning })
            #expect(duty.starts == 2)
            #expect(elector.term == 3, "a resignation leaves the row, so the term keeps counting")
        }
        #expect(!duty.isRunning, "stopped on shutdown")
    }
}
