import BuddiAPI
import BuddiPipeline
import BuddiSimulator
import BuddiTestSupport
import Foundation
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
}
