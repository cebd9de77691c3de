import BuddiAPI
import BuddiSimulator
import Foundation
import Testing

@Suite("Paging through the simulator")
struct PagingTests {
    /// Collects every memory id the client yields, in order.
    private func collectIDs(_ client: BuddiAPIClient, pageSize: Int = 20) async throws -> [String] {
        var ids: [String] = []
        for try await memory in client.memories(MemoryQuery(pageSize: pageSize)) { ids.append(memory.id) }
        return ids
    }

    @Test("10,000 memories yield every id exactly once, newest first")
    func pagesEverything() async throws {
        try await withSimulator(SimulatorConfiguration(memoryCount: 10_000, seed: 7)) { simulator, client in
            let ids = try await collectIDs(client)
            #expect(ids.count == 10_000)
            #expect(ids == (await simulator.memoryIDs()))
            #expect(Set(ids).count == 10_000)
            #expect(await simulator.requestTimes().count == 500)
        }
    }

    @Test("with 20% 500s and 20% 429s the client retries and still yields every id once")
    func pagesThroughFaults() async throws {
        let faults = FaultPlan(serverErrorRate: 0.2, rateLimitRate: 0.2, retryAfterSeconds: 0)
        try await withSimulator(SimulatorConfiguration(memoryCount: 10_000, seed: 11, faults: faults)) { simulator, client in
            let ids = try await collectIDs(client)
            #expect(ids == (await simulator.memoryIDs()))
            let injected = await simulator.injectedFaults()
            #expect(injected[.serverError, default: 0] > 50)
            #expect(injected[.rateLimited, default: 0] > 50)
            let requests = await simulator.requestTimes().count
            #expect(requests == 500 + injected[.serverError, default: 0] + injected[.rateLimited, default: 0])
        }
    }

    @Test("a memory repeated on the next page is yielded once")
    func repeatedMemoryYieldedOnce() async throws {
        let configuration = SimulatorConfiguration(memoryCount: 500, faults: FaultPlan(duplicateRate: 0.5))
        try await withSimulator(configuration) { simulator, client in
            let ids = try await collectIDs(client)
            #expect(ids == (await simulator.memoryIDs()))
            #expect(await simulator.injectedFaults()[.duplicateMemory, default: 0] > 3)
        }
    }

    @Test("a page size above 20 is sent as 20, and the date filter keeps to its day")
    func pageSizeAndDate() async throws {
        try await withSimulator(SimulatorConfiguration(memoryCount: 200, shape: .flat)) { _, client in
            let page = try await client.fetchPage(MemoryQuery(pageSize: 50))
            #expect(page.memories.count == 20)
            let day = try #require(page.memories.first?.createdAt.map(BuddiDate.init(containing:)))
            var dayMemories: [Memory] = []
            for try await memory in client.memories(MemoryQuery(date: day, pageSize: 5)) { dayMemories.append(memory) }
            #expect(!dayMemories.isEmpty)
            #expect(dayMemories.allSatisfy { $0.createdAt.map(BuddiDate.init(containing:)) == day })
            #expect(dayMemories.map(\.id) == page.memories.prefix(dayMemories.count).map(\.id))
        }
    }

    @Test("memories arriving while it runs show up newest first")
    func arrivals() async throws {
        try await withSimulator(SimulatorConfiguration(memoryCount: 10, arrivalRate: 100)) { simulator, client in
            let before = try await client.fetchPage().memories.first?.id
            try await Task.sleep(for: .milliseconds(400))
            let newestBefore = await simulator.memoryIDs()
            let page = try await client.fetchPage()
            let all = await simulator.memoryIDs()
            #expect(all.count > 20)
            // The page's first memory was the newest at the moment it was served: one of those
            // that existed by the end of the call, no older than the newest at its start.
            let newest = all.prefix(all.count - newestBefore.count + 1)
            #expect(page.memories.first.map { newest.contains($0.id) } == true)
            #expect(page.memories.first?.id != before)
        }
    }
}
