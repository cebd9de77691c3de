import BuddiAPI
@testable import BuddiPipeline
import BuddiSimulator
import BuddiTestSupport
import Foundation
import Synchronization
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
}
