import DatabaseTestSupport
@testable import JobQueue
import PostgresNIO
import Testing

/// `job_queue_record` (engine migration 0005) replaced `job_queue_finish` (0004) on the worker's
/// path; an earlier release's workers still call the old one, so both must leave a job alike.
@Suite("Recording outcomes")
struct RecordFunctionTests {
    @Test("job_queue_record leaves every job as job_queue_finish does: each state, with and without a lost checkpoint, an error and a delay")
    func recordMatchesFinish() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        var cases: [(state: String, lost: Bool, error: String, delayMs: Double)] = []
        for state in ["completed", "retryable", "discarded", "cancelled", "available", "snoozed"] {
            for lost in [false, true] {
                for error in ["", "it broke"] {
                    for delayMs in [-1.0, 250] { cases.append((state, lost, error, delayMs)) }
                }
            }
        }
        // Two jobs per case, running attempt 1 of worker w, each holding one checkpoint; the
        // result is given to every case, so that only the state decides whether it is kept.
        try await db.queue.enqueue(try (0..<(2 * cases.count)).map { _ in try NewJob(TestArgs()) })
        try await db.execute("""
            UPDATE jobs SET state = 'running', attempt = 1, worker_id = 'w', started_at = now(),
                            lease_expires_at = now() + interval '1 minute', checkpoint_seq = 1,
                            errors = '[{"attempt": 0, "at": "2026-01-01T00:00:00Z", "message": "before"}]'
            """)
        let ids = try await db.scalar("SELECT array_agg(id ORDER BY id) FROM jobs", as: [Int64].self) ?? []
        #expect(ids.count == 2 * cases.count)
        let (old, new) = (Array(ids.prefix(cases.count)), Array(ids.suffix(cases.count)))
        let attempts = cases.map { _ in Int32(1) }
        let sequences = cases.map { Int32($0.lost ? 2 : 1) }
        let (states, errors, delays) = (cases.map(\.state), cases.map(\.error), cases.map(\.delayMs))
        let results = cases.map { _ in "{\"done\": true}" }
        let differing = try await db.client.withConnection { connection in
            // One transaction, so that now() is the same for both.
            try await connection.query("BEGIN", logger: db.logger)
            // Which jobs each wrote, in case order, and which of them found a checkpoint lost.
            func written(_ query: PostgresQuery, ids: [Int64]) async throws -> [String] {
                var rows: [Int64: Bool] = [:]
                for try await (id, lost) in try await connection.query(query, logger: db.logger).decode((Int64, Bool).self) { rows[id] = lost }
                return ids.map { rows[$0].map { $0 ? "lost" : "written" } ?? "untouched" }
            }
            let byFinish = try await written("""
                SELECT id, lost FROM job_queue_finish('w', \(old), \(attempts), \(sequences), \(states), \(results), \(errors), \(delays), 'lost it')
                """, ids: old)
            let byRecord = try await written("""
                SELECT id, lost FROM job_queue_record('w', \(new), \(attempts), \(sequences), \(states), \(results), \(errors), \(delays), 'lost it')
                """, ids: new)
            // Every attempt is held, so each outcome is written; only a success can find its checkpoint lost.
            let expected = cases.map { $0.state == "completed" && $0.lost ? "lost" : "written" }
            #expect(byFinish == expected && byRecord == expected, "finish \(byFinish), record \(byRecord)")
            var differing: [String] = []
            let compare: PostgresQuery = """
                SELECT a.id::text || ': ' || (to_jsonb(a) - 'id')::text || ' <> ' || (to_jsonb(b) - 'id')::text
                FROM unnest(\(old), \(new)) AS p(old_id, new_id)
                JOIN jobs a ON a.id = p.old_id JOIN jobs b ON b.id = p.new_id
                WHERE (to_jsonb(a) - 'id') IS DISTINCT FROM (to_jsonb(b) - 'id')
                """
            for try await row in try await connection.query(compare, logger: db.logger).decode(String.self) { differing.append(row) }
            try await connection.query("ROLLBACK", logger: db.logger)
            return differing
        }
        #expect(differing.isEmpty, "\(differing.joined(separator: "\n"))")
    }
}
