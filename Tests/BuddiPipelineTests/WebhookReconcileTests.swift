import BuddiAPI
@testable import BuddiPipeline
import BuddiSimulator
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import PostgresNIO
import Synchronization
import PostgresResilience
import ServiceLifecycle
import Testing

@Suite("webhooks and the poller", .serialized)
struct WebhookReconcileTests {
    @Test("the poller reconciles: a memory pushed first is a duplicate to the next fetch, and an older one never delivered is stored by it")
    func fetchAfterWebhook() async throws {
        try await PipelineWorld.with(memories: 0) { world in
            await world.simulator.arrive(3)
            let memories = await world.simulator.memoryTexts()
            let (older, pushed, newer) = (memories[0], memories[1], memories[2])
            let intake = WebhookIntake(client: world.db.client, limits: MemoryLimits(), logger: world.db.logger)
            let receipt = await intake.receive(webhookID: "msg_1", body: Array(pushed.json.utf8))
            #expect(receipt.outcome == .stored)
            let worker = try world.worker()
            let fetch = try await world.fetch()
            #expect(fetch.state == .completed, "\(fetch.errors)")
            let outcome = try FetchOutcome(fetch)
            #expect(outcome.new == 2)
            #expect(outcome.duplicates == 1)
            #expect(try await world.count("SELECT count(*) FROM conversations") == 3)
            #expect(try await world.count("""
                SELECT count(*) FROM conversations
                WHERE (buddi_id = \(pushed.id) AND source = 'webhook') OR (buddi_id IN (\(older.id), \(newer.id)) AND source = 'fetch')
                """) == 3)
            // Stored the same way: the pushed one verifies as the fetched ones do.
            let report = try await ConversationVerifier(client: world.db.client, logger: world.db.logger).verifyAll()
            #expect(report.checked == 3 && report.problems.isEmpty, "\(report.problems)")
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0)
        }
    }

    @Test("memories pushed after a fetch are met once by the next fetch, which moves the watermark past them: the fetch after it walks nothing again")
    func watermarkMovesPastPushedMemories() async throws {
        try await PipelineWorld.with(memories: 1) { world in
            let worker = try world.worker()
            #expect(try FetchOutcome(try await world.fetch()).new == 1)
            await world.simulator.arrive(4)
            let intake = WebhookIntake(client: world.db.client, limits: MemoryLimits(), logger: world.db.logger)
            for (index, memory) in (await world.simulator.memoryTexts()).dropFirst().enumerated() {
                #expect(await intake.receive(webhookID: "msg_\(index)", body: Array(memory.json.utf8)).outcome == .stored)
            }
            // A walk ends at the watermark's own memory, met again each time.
            let second = try FetchOutcome(try await world.fetch())
            #expect(second.new == 0 && second.duplicates == 4 + 1, "\(second)")
            let newest = await world.simulator.memoryTexts().last?.id ?? ""
            #expect(try await world.count("SELECT count(*) FROM fetch_watermark WHERE buddi_id = \(newest)") == 1)
            let third = try FetchOutcome(try await world.fetch())
            #expect(third.memories_seen == 1 && third.duplicates == 1, "\(third)")
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0)
        }
    }

    @Test("group commit: concurrent items share commits, one at a time until a quarter of a batch waits; past the queue's bound or the wait's, an item is refused, not queued")
    func commitGroup() async throws {
        let log = Mutex<(batches: [Int], running: Int, mostRunning: Int)>(([], 0, 0))
        let group = CommitGroup<Int, Int>(committers: 2, batchLimit: 16, maxWait: .seconds(30), maxWaiting: 1000) { items in
            log.withLock { $0.running += 1; $0.mostRunning = max($0.mostRunning, $0.running); $0.batches.append(items.count) }
            try await Task.sleep(for: .milliseconds(20))
            log.withLock { $0.running -= 1 }
            return items.map { $0 * 2 }
        }
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { tasks in
            for item in 0..<200 { tasks.addTask { (item, try await group.submit(item)) } }
            return try await tasks.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 200 && answers.allSatisfy { $0.value == $0.key * 2 })
        let seen = log.withLock { $0 }
        #expect(seen.batches.reduce(0, +) == 200 && seen.batches.max() ?? 0 > 1 && seen.mostRunning <= 2, "\(seen)")

        let slow = CommitGroup<Int, Int>(committers: 1, batchLimit: 1, maxWait: .milliseconds(50), maxWaiting: 3) { items in
            try await Task.sleep(for: .milliseconds(200))
            return items
        }
        let outcomes = await withTaskGroup(of: String.self) { tasks in
            for item in 0..<6 {
                tasks.addTask {
                    do { return "answered \(try await slow.submit(item))" } catch { return "\(error)" }
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
            return await tasks.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0.hasPrefix("answered") }.count == 1, "\(outcomes)")
        #expect(outcomes.contains { $0.contains("waiting for a commit already") }, "\(outcomes)")
        #expect(outcomes.contains { $0.contains("waited more than") }, "\(outcomes)")
    }

    @Test("upkeep: refusals counted in memory reach the hourly table, each once, and deliveries past the retention are pruned")
    func upkeep() async throws {
        try await PipelineWorld.with(memories: 0) { world in
            let db = world.db
            try await db.execute("""
                INSERT INTO webhook_deliveries (webhook_id, received_at, outcome, status)
                VALUES ('old', now() - interval '8 days', 'stored', 200), ('recent', now() - interval '6 days', 'stored', 200)
                """)
            let totals = WebhookTotals()
            for _ in 0..<3 { totals.count(.unauthorized) }
            totals.count(.unavailable)
            totals.count(.stored)
            let upkeep = WebhookUpkeep(client: db.client, totals: totals, flushInterval: .milliseconds(50), logger: db.logger)
            let refused: PostgresQuery = "SELECT COALESCE(sum(deliveries), 0)::int8 FROM webhook_refusals_per_hour WHERE outcome = 'unauthorized'"
            let (first, second) = try await withServicesRunning([upkeep], logger: db.logger) { () async throws -> (Bool, Bool) in
                let first = try await eventually(timeout: .seconds(10)) { try await world.count(refused) == 3 }
                totals.count(.unauthorized)
                return (first, try await eventually(timeout: .seconds(10)) { try await world.count(refused) == 4 })
            }
            #expect(first && second, "each refusal written once: 3, then 4")
            #expect(try await world.count("SELECT sum(deliveries)::int8 FROM webhook_refusals_per_hour WHERE outcome = 'unavailable'") == 1)
            #expect(try await world.count("SELECT count(*) FROM webhook_refusals_per_hour WHERE outcome NOT IN ('unauthorized', 'unavailable')") == 0)
            #expect(try await world.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = 'old'") == 0)
            #expect(try await world.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = 'recent'") == 1)
        }
    }
}
