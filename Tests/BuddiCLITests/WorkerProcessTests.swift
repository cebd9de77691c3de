import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import BuddiPipeline
import JobQueue
import PostgresNIO
import Testing

/// Probe job arguments, as the `buddi` binary's probe handler reads them.
private struct Probe: JobArgs {
    static let kind = "probe"
    var sleepMs: Int?
}

/// Real `buddi worker` processes against a real server.
@Suite("Worker processes", .serialized)
struct ProcessTests {
    private func worker(_ db: TestDatabase, _ extra: [String] = []) throws -> BuddiProcess {
        try BuddiProcess(
            ["worker", "--concurrency", "10", "--poll-interval-ms", "200", "--retry-base-ms", "20"] + extra,
            databaseURL: db.url.redacted)
    }

    @Test("3 worker processes drain 20,000 jobs: every job once, none twice, none lost")
    func exactlyOnce() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let jobs = try (0..<20_000).map { _ in try NewJob(Probe()) }
        for chunk in stride(from: 0, to: jobs.count, by: 5000) {
            try await db.queue.enqueue(Array(jobs[chunk..<min(chunk + 5000, jobs.count)]))
        }
        let workers = try (0..<3).map { _ in try worker(db) }
        let drained = try await eventually(timeout: .seconds(300)) {
            try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'completed'", as: Int64.self) == 20_000
        }
        for process in workers { process.signal(SIGTERM) }
        for process in workers { #expect(try await process.wait() == 0, "\(process.output.suffix(2000))") }
        #expect(drained)
        #expect(try await db.scalar("SELECT count(*) FROM probe_runs", as: Int64.self) == 20_000)
        #expect(try await db.scalar("SELECT count(*) FROM jobs WHERE attempt <> 1 OR errors <> '[]'", as: Int64.self) == 0)
        #expect(try await db.scalar("SELECT count(DISTINCT worker_id) FROM probe_runs", as: Int64.self) == 3)
        #expect(try await db.scalar("SELECT count(*) FROM workers", as: Int64.self) == 0)
    }

    @Test("a worker killed with SIGKILL loses its jobs to another after the lease; nothing runs twice to completion")
    func crashRescue() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let ids = try await db.queue.enqueue((0..<5).map { _ in try NewJob(Probe(sleepMs: 30_000)) }).map(\.id)
        let doomed = try worker(db, ["--lease-seconds", "2", "--rescue-interval-seconds", "0.5"])
        try await expectEventually {
            try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'running'", as: Int64.self) == 5
        }
        doomed.signal(SIGKILL)
        #expect(try await doomed.wait() == 128 + SIGKILL)
        try await db.execute("UPDATE jobs SET args = '{\"sleepMs\": 10}'")

        let survivor = try worker(db, ["--lease-seconds", "2", "--rescue-interval-seconds", "0.5"])
        let done = try await eventually(timeout: .seconds(60)) {
            try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'completed'", as: Int64.self) == 5
        }
        survivor.signal(SIGTERM)
        #expect(try await survivor.wait() == 0)
        #expect(done, "\(survivor.output.suffix(2000))")
        for id in ids {
            let job = try await db.job(id)
            #expect(job.attempt == 2)
            #expect(job.errors.first?.message.hasPrefix("lease expired") == true)
        }
        #expect(try await db.scalar("SELECT count(*) FROM probe_runs WHERE attempt = 2", as: Int64.self) == 5)
        // The killed worker's row stays, with a stale heartbeat: `buddi status` reports it dead.
        #expect(try await db.scalar("SELECT count(*) FROM workers", as: Int64.self) == 1)
    }

    @Test("SIGTERM with jobs in flight: short ones finish, long ones are released; exit 0, nothing left running")
    func sigtermDrains() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let short = try await db.queue.enqueue((0..<4).map { _ in try NewJob(Probe(sleepMs: 1500)) }).map(\.id)
        let long = try await db.queue.enqueue((0..<4).map { _ in try NewJob(Probe(sleepMs: 600_000)) }).map(\.id)
        let process = try worker(db, ["--shutdown-grace-seconds", "4"])
        try await expectEventually {
            try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'running'", as: Int64.self) == 8
        }
        process.signal(SIGTERM)
        #expect(try await process.wait(timeout: .seconds(30)) == 0, "\(process.output.suffix(2000))")
        for id in short { #expect(try await db.state(id) == .completed) }
        for id in long {
            let job = try await db.job(id)
            #expect(job.state == .available)
            #expect(job.attempt == 0)
        }
        #expect(try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'running'", as: Int64.self) == 0)
        #expect(try await db.scalar("SELECT count(*) FROM workers", as: Int64.self) == 0)
    }
}

extension TestDatabase {
    fileprivate var queue: JobQueue { Pipeline.queue(client: client, logger: logger) }

    fileprivate func job(_ id: Int64) async throws -> JobRecord {
        try #require(try await queue.job(id: id))
    }

    fileprivate func state(_ id: Int64) async throws -> JobState {
        try await job(id).state
    }
}
