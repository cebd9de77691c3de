import BuddiPipeline
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import JobQueue
import PostgresNIO
import Testing

@Suite("Scheduler", .serialized)
struct SchedulerTests {
    @Test("the 1 h rate limit, the 5 min error recovery and the interval, with a controllable clock")
    func scheduleRules() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let elector = LeaderElector(name: Scheduler.electionName, client: db.client, logger: db.logger)
        #expect(await elector.campaignOnce())
        let t0 = Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded(.down))
        let clock = ManualClock(t0)
        let scheduler = Scheduler(elector: elector, requests: db.requests, clock: { clock.now }, logger: db.logger)

        // No fetch ever: one is due at once; while it is in progress nothing more is.
        let first = try #require(try await scheduler.tick())
        #expect(try await scheduler.tick() == nil)
        try await db.finishFetch(first, outcome: "succeeded", started: t0, finished: t0 + 10)

        // A manual fetch 30 min later is refused (1 h rate limit) unless forced.
        clock.set(t0 + 30 * 60)
        await #expect(throws: SchedulerError.rateLimited(lastFetch: t0, nextAllowed: t0 + 3600)) {
            try await db.requests.requestManual(try ManualFetch(), force: false, now: clock.now)
        }
        let forced = try await db.requests.requestManual(try ManualFetch(), force: true, now: clock.now)
        // It fails at t0+31 min: the next scheduled try comes 5 min after the failure.
        try await db.finishFetch(forced, outcome: "failed", started: t0 + 30 * 60, finished: t0 + 31 * 60)
        clock.set(t0 + 35 * 60)
        #expect(try await scheduler.tick() == nil)
        clock.set(t0 + 36 * 60)
        let recovery = try #require(try await scheduler.tick())
        #expect(try await db.scalar("SELECT slot FROM fetch_runs WHERE job_id = \(recovery)", as: Date.self) == t0 + 36 * 60)

        // It succeeds: the next is a whole interval (2 h) after it began.
        try await db.finishFetch(recovery, outcome: "succeeded", started: t0 + 36 * 60, finished: t0 + 37 * 60)
        clock.set(t0 + 36 * 60 + 7199)
        #expect(try await scheduler.tick() == nil)
        await #expect(throws: SchedulerError.rateLimited(lastFetch: t0 + 36 * 60, nextAllowed: t0 + 36 * 60 + 3600)) {
            try await db.requests.requestManual(try ManualFetch(), force: false, now: t0 + 36 * 60 + 3599)
        }
        clock.set(t0 + 36 * 60 + 7200)
        #expect(try await scheduler.tick() != nil)

        // Stopped: nothing is due, whatever the clock says.
        let due = try #require(try await db.scalar("SELECT max(job_id) FROM fetch_runs", as: Int64.self))
        try await db.finishFetch(due, outcome: "succeeded", started: clock.now, finished: clock.now)
        _ = try await db.settings.setEnabled(false)
        clock.set(clock.now + 86400)
        #expect(try await scheduler.tick() == nil)
        #expect(try await db.scalar("SELECT count(*) FROM fetch_runs WHERE trigger = 'scheduled'", as: Int64.self) == 3)
    }

    @Test("a fetch whose job was cancelled before it ran reads as failed, and the next try comes after the recovery delay")
    func cancelledFetch() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let id = try await db.requests.requestManual(try ManualFetch(), force: false)
        try await Pipeline.queue(client: db.client, logger: db.logger).cancel(id: id)
        // Recorded in the run itself, so every reader (status, /metrics, the views) agrees, even
        // once the job row is pruned.
        try await db.execute("DELETE FROM jobs WHERE id = \(id)")
        let finished = try #require(
            try await db.scalar("SELECT finished_at FROM fetch_runs WHERE job_id = \(id) AND outcome = 'failed'", as: Date.self))
        let schedule = try await db.client.withConnection { try await db.requests.schedule(on: $0) }
        #expect(schedule.last?.outcome == .failed)
        #expect(schedule.last?.error == "the fetch job was cancelled before it finished")
        #expect(schedule.nextFetch == finished + 300)
    }

    @Test("a stale leader is fenced: its enqueue is refused once another replica took over")
    func fencing() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let stale = LeaderElector(name: Scheduler.electionName, client: db.client, ttl: .seconds(60), renewInterval: .seconds(20), logger: db.logger)
        let fresh = LeaderElector(name: Scheduler.electionName, client: db.client, ttl: .seconds(60), renewInterval: .seconds(20), logger: db.logger)
        #expect(await stale.campaignOnce())
        #expect(await !fresh.campaignOnce())
        // The stale leader stalls past its lease (as if paused): the other takes over.
        try await db.execute("UPDATE leader_leases SET expires_at = now() - interval '1 second'")
        #expect(await fresh.campaignOnce())
        #expect(fresh.term == 2)
        #expect(stale.isLeader, "by its own clock it still leads: only the fence can stop it")
        let staleScheduler = Scheduler(elector: stale, requests: db.requests, logger: db.logger)
        #expect(try await staleScheduler.tick() == nil)
        #expect(!stale.isLeader)
        #expect(try await db.scalar("SELECT count(*) FROM jobs", as: Int64.self) == 0)
        #expect(try await Scheduler(elector: fresh, requests: db.requests, logger: db.logger).tick() != nil)
    }

    @Test("two scheduler processes: one enqueues; the leader killed, the other enqueues the next slot; never both")
    func failover() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let arguments = ["scheduler", "--tick-seconds", "0.2", "--lease-seconds", "2"]
        let a = try BuddiProcess(arguments, databaseURL: db.url.redacted)
        let b = try BuddiProcess(arguments, databaseURL: db.url.redacted)
        #expect(try await eventually(timeout: .seconds(60)) {
            try await db.scalar("SELECT count(*) FROM fetch_runs", as: Int64.self) == 1
        })
        try await Task.sleep(for: .seconds(2))
        #expect(try await db.scalar("SELECT count(*) FROM jobs WHERE kind = 'fetch'", as: Int64.self) == 1)
        let holder = try #require(try await db.scalar("SELECT holder FROM leader_leases WHERE name = 'scheduler'", as: String.self))
        let (leader, follower) = holder.contains(":\(a.pid):") ? (a, b) : (b, a)
        #expect(holder.contains(":\(leader.pid):"))

        leader.signal(SIGKILL)
        _ = try await leader.wait()
        // The first fetch ran three hours ago and succeeded: the next slot is due now.
        let first = try #require(try await db.scalar("SELECT job_id FROM fetch_runs", as: Int64.self))
        try await db.finishFetch(first, outcome: "succeeded", started: Date() - 3 * 3600, finished: Date() - 3 * 3600 + 5)
        #expect(try await eventually(timeout: .seconds(30)) {
            try await db.scalar("SELECT count(*) FROM fetch_runs", as: Int64.self) == 2
        })
        try await Task.sleep(for: .seconds(2))
        #expect(try await db.scalar("SELECT count(*) FROM fetch_runs WHERE trigger = 'scheduled'", as: Int64.self) == 2)
        #expect(try await db.scalar("SELECT count(DISTINCT slot) FROM fetch_runs", as: Int64.self) == 2)
        let newHolder = try #require(try await db.scalar("SELECT holder FROM leader_leases WHERE name = 'scheduler'", as: String.self))
        #expect(newHolder.contains(":\(follower.pid):"))
        #expect(try await db.scalar("SELECT term FROM leader_leases WHERE name = 'scheduler'", as: Int64.self) == 2)

        follower.signal(SIGTERM)
        #expect(try await follower.wait(timeout: .seconds(30)) == 0, "\(follower.output.suffix(2000))")
        #expect(try await db.scalar("SELECT expires_at < now() FROM leader_leases WHERE name = 'scheduler'", as: Bool.self) == true, "resigned on SIGTERM")
    }
}
