import BuddiLedger
import BuddiPipeline
import BuddiSimulator
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import JobQueue
import PostgresNIO
import Testing

/// A database that buddi 0.1.0 wrote, upgraded in place: nothing lost, everything verifies, and
/// what 0.1.0 left unfinished is finished by this version.
///
/// `Fixtures/release-0.1.0.sql` is the data (`pg_dump --data-only --inserts`) of a cluster that
/// the 0.1.0 build ran: `buddi demo --once --memories 40` (40 conversations processed and sealed
/// in block 0), then five copies stored pending and processed by a 0.1.0 worker, whose block
/// was taken back out (their anchors unsealed, as before its sealer ran), then five more copies
/// stored pending (three with a process job, two with none) and two failed.
@Suite("Upgrading from 0.1.0", .serialized)
struct UpgradeTests {
    private func loadFixture(into db: TestDatabase) async throws {
        let url = try #require(Bundle.module.url(forResource: "release-0.1.0", withExtension: "sql", subdirectory: "Fixtures"))
        let text = try String(contentsOf: url, encoding: .utf8)
        // The fixture's deployment replaces the new database's (its contract addresses derive from it).
        try await db.execute("DELETE FROM ledger_deployment")
        try await db.execute("DELETE FROM scheduler_settings")
        var statement = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("INSERT INTO") || line.hasPrefix("SELECT pg_catalog") {
                if !statement.isEmpty { try await db.execute(PostgresQuery(unsafeSQL: statement)) }
                statement = ""
            }
            statement += line + "\n"
        }
        if !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            try await db.execute(PostgresQuery(unsafeSQL: statement))
        }
    }

    private func states(_ db: TestDatabase) async throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        for state in ["processed", "pending", "failed"] {
            counts[state] = try await db.scalar("SELECT count(*) FROM conversations WHERE processing_state = \(state)", as: Int64.self)
        }
        return counts
    }

    @Test("0.1.0's processed, pending and failed conversations and its sealed and unsealed anchors upgrade; all verify; the pending are finished")
    func upgradeKeepsAndFinishes() async throws {
        let db = try await TestDatabase.make(schema: try TestDatabase.release010Sets())
        defer { Task { await db.drop() } }
        try await loadFixture(into: db)
        #expect(try await states(db) == ["processed": 45, "pending": 5, "failed": 2])
        #expect(try await db.scalar("SELECT count(*) FROM ledger_anchors WHERE block_height IS NULL", as: Int64.self) == 5)

        try await BuddiSchema.migrator(client: db.client, logger: db.logger).migrate()
        #expect(try await states(db) == ["processed": 45, "pending": 5, "failed": 2])
        #expect(try await db.scalar("SELECT sum(conversations)::int8 FROM conversations_per_day", as: Int64.self) == 52)
        let verifier = ConversationVerifier(client: db.client, logger: db.logger)
        let before = try await verifier.verifyAll()
        #expect(before.checked == 45)
        #expect(before.problems.isEmpty, "\(before.problems)")

        // A worker of this version finishes what 0.1.0 left pending, seals what it left unsealed,
        // and fetches on top: memories already stored are duplicates, new ones are stored whole.
        let configuration = SimulatorConfiguration(port: 0, apiKey: "test-key", memoryCount: 60, arrivalRate: 0, faults: FaultPlan())
        try await BuddiSimulator.withRunning(configuration, logger: db.logger) { simulator, url in
            let world = PipelineWorld(db: db, simulator: simulator, apiURL: url)
            let worker = try world.worker()
            defer { worker.signal(SIGTERM) }
            #expect(try await world.waitForProcessed(50, timeout: .seconds(60)))
            let fetch = try FetchOutcome(try await world.fetch())
            #expect(fetch.new >= 1 && fetch.new + fetch.duplicates == fetch.memories_seen)
            #expect(try await eventually(timeout: .seconds(30)) {
                try await LedgerVerifier(client: db.client, logger: db.logger).unsealedCount() == 0
            })
            let counts = try await states(db)
            #expect(counts == ["processed": 50 + Int64(fetch.new), "pending": 0, "failed": 2])
            // 0.1.0's block keeps naming its anchors; what was unsealed went into blocks of ranges.
            #expect(try await db.scalar("SELECT count(*) FROM ledger_anchors WHERE block_height = 0", as: Int64.self) == 40)
            #expect(try await db.scalar("SELECT count(*) FROM ledger_blocks WHERE first_anchor_id IS NOT NULL", as: Int64.self) ?? 0 >= 1)
            let after = try await verifier.verifyAll()
            #expect(after.checked == Int(counts["processed"] ?? 0))
            #expect(after.problems.isEmpty, "\(after.problems)")
            #expect(try await db.scalar("""
                SELECT count(*) FROM conversations WHERE metadata IS NULL AND processing_state = 'processed'
                """, as: Int64.self) == Int64(fetch.new), "conversations stored by this version are stored once, without metadata")
        }
    }
}
