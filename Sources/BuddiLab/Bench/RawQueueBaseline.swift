import PostgresResilience
import Foundation
import Logging
import PostgresNIO

/// The raw-SQL loop `bench queue --baseline` measures the engine against, on a scratch table in
/// the same database and in the same run: `connections` sessions each claim `batch` rows with
/// `FOR UPDATE SKIP LOCKED` and complete them with one `UPDATE … = ANY`, until none is left —
/// no leases, attempts, error history or notifications. It also times the bare INSERT+COMMIT
/// round trip, the floor under any enqueue's latency.
struct RawQueueBaseline {
    let client: DatabaseClient
    let logger: Logger
    let jobs: Int
    var connections = 4
    var batch = 50

    /// What the loop measured.
    struct Result {
        var jobsPerSecond: Double
        /// The median in ms of the INSERT+COMMIT round trips.
        var commitFloorP50Ms: Double
        /// What the loop cost each job: its client (this process) and the server.
        var cpu: CPUPerJob
    }

    /// Runs the loop, then times `commitSamples` INSERT+COMMIT round trips.
    func run(commitSamples: Int) async throws -> Result {
        let table = "bench_raw_\(UInt32.random(in: 0...UInt32.max))"
        try await client.query(PostgresQuery(unsafeSQL: """
            CREATE TABLE \(table) (id bigserial PRIMARY KEY, state text NOT NULL DEFAULT 'available',
                attempt integer NOT NULL DEFAULT 0, finished_at timestamptz)
            """), logger: logger)
        do {
            let result = try await measure(table, commitSamples: commitSamples)
            try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE \(table)"), logger: logger)
            return result
        } catch {
            _ = try? await client.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(table)"), logger: logger)
            throw error
        }
    }

    private func measure(_ table: String, commitSamples: Int) async throws -> Result {
        try await client.query(PostgresQuery(unsafeSQL: "INSERT INTO \(table) (state) SELECT 'available' FROM generate_series(1, \(jobs))"), logger: logger)
        try await client.query(PostgresQuery(unsafeSQL: "CREATE INDEX ON \(table) (id) WHERE state = 'available'"), logger: logger)
        try await client.query(PostgresQuery(unsafeSQL: "ANALYZE \(table)"), logger: logger)
        let claim = PostgresQuery(unsafeSQL: """
            UPDATE \(table) SET state = 'running', attempt = attempt + 1
            WHERE id IN (SELECT id FROM \(table) WHERE state = 'available' ORDER BY id LIMIT \(batch) FOR UPDATE SKIP LOCKED)
            RETURNING id
            """)
        let start = ContinuousClock.now
        let cpu = CPUSpan()
        let completed = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<connections {
                group.addTask { [client, logger] in
                    try await client.withConnection { connection in
                        var done = 0
                        while true {
                            var ids: [Int64] = []
                            for try await id in try await connection.query(claim, logger: logger).decode(Int64.self) { ids.append(id) }
                            if ids.isEmpty { return done }
                            var binds = PostgresBindings()
                            binds.append(ids)
                            try await connection.query(PostgresQuery(
                                unsafeSQL: "UPDATE \(table) SET state = 'completed', finished_at = now() WHERE id = ANY($1)", binds: binds), logger: logger)
                            done += ids.count
                        }
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        let seconds = (ContinuousClock.now - start).inSeconds
        let cost = cpu.perJob(completed)
        guard completed == jobs else { throw BaselineError(description: "the raw loop completed \(completed) of \(jobs) rows") }
        var floor: [Double] = []
        try await client.withConnection { connection in
            for _ in 0..<commitSamples {
                let begin = ContinuousClock.now
                try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO \(table) (state) VALUES ('floor')"), logger: logger)
                floor.append((ContinuousClock.now - begin).inSeconds * 1000)
            }
        }
        return Result(jobsPerSecond: Double(jobs) / seconds, commitFloorP50Ms: Percentile.of(floor, 0.5), cpu: cost)
    }
}

/// The raw loop did not do what it must.
struct BaselineError: Error, CustomStringConvertible {
    let description: String
}
