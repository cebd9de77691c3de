import BuddiAPI
import AsyncHTTPClient
import BuddiSimulator
import Foundation
import NIOCore
import Testing

@Suite("The simulator speaks the contract")
struct SimulatorContractTests {
    /// Status and body of a GET, with an optional `api-key` header.
    private func get(_ url: String, key: String?) async throws -> (status: Int, body: JSONValue) {
        var request = HTTPClientRequest(url: url)
        if let key { request.headers.add(name: "api-key", value: key) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), try JSONValue(parsing: Data(bytes.readableBytesView)))
    }

    @Test("limit=5 gives 5 memories and a cursor; no key 401; limit=50 and a bad date 400")
    func contract() async throws {
        let configuration = SimulatorConfiguration(port: 0, apiKey: "k")
        try await BuddiSimulator.withRunning(configuration) { _, url in
            let endpoint = url.absoluteString + "/get_memories"
            let page = try await get(endpoint + "?limit=5", key: "k")
            #expect(page.status == 200)
            #expect(page.body["memories"]?.arrayValue?.count == 5)
            #expect(page.body["next_cursor"]?.stringValue != nil)
            let noKey = try await get(endpoint + "?limit=5", key: nil)
            #expect(noKey.status == 401)
            #expect(noKey.body["detail"] == "Field required")
            #expect(try await get(endpoint + "?limit=5", key: "wrong").status == 401)
            let tooMany = try await get(endpoint + "?limit=50", key: "k")
            #expect(tooMany.status == 400)
            #expect(tooMany.body["detail"]?.stringValue != nil)
            #expect(try await get(endpoint + "?limit=0", key: "k").status == 400)
            let badDate = try await get(endpoint + "?date=11-08-2025", key: "k")
            #expect(badDate.status == 400)
            #expect(badDate.body["detail"] == "Invalid date format, expected YYYY-MM-DD")
            #expect(try await get(endpoint, key: "k").body["memories"]?.arrayValue?.count == 1)
        }
    }

    @Test("the same seed gives the same memories; another seed others")
    func deterministic() async throws {
        func firstPage(seed: UInt64) async throws -> JSONValue {
            try await BuddiSimulator.withRunning(SimulatorConfiguration(port: 0, apiKey: "k", seed: seed)) { _, url in
                try await get(url.absoluteString + "/get_memories?limit=20", key: "k").body
            }
        }
        let first = try await firstPage(seed: 3)
        #expect(try await firstPage(seed: 3) == first)
        #expect(try await firstPage(seed: 4) != first)
    }

    @Test("memories are realistic: moods, categories, emoji, action item strings, non-ASCII names, missing fields")
    func realistic() async throws {
        try await withSimulator(SimulatorConfiguration(memoryCount: 300)) { _, client in
            var memories: [Memory] = []
            for try await memory in client.memories() { memories.append(memory) }
            let overviews = memories.compactMap(\.text)
            #expect(overviews.contains { $0.contains("thrilled") || $0.contains("loved") || $0.contains("Wonderful") })
            #expect(overviews.contains { $0.contains("disaster") || $0.contains("upset") || $0.contains("Stressful") })
            #expect(Set(memories.compactMap(\.category)).count >= 5)
            #expect(memories.contains { $0.emoji == nil } && memories.contains { $0.emoji != nil })
            #expect(memories.contains { $0.language == nil })
            #expect(memories.contains { $0.raw["structured"]?["action_items"]?.arrayValue?.contains { $0.stringValue != nil } == true })
            #expect(memories.contains { !($0.title ?? "").allSatisfy(\.isASCII) })
            #expect(memories.allSatisfy { $0.transcriptSegments.count >= 2 && $0.createdAt != nil })
            let times = memories.compactMap(\.createdAt)
            #expect(times == times.sorted(by: >))
        }
    }

    @Test("added latency delays every answer")
    func latency() async throws {
        try await withSimulator(SimulatorConfiguration(faults: FaultPlan(latency: .milliseconds(150)))) { _, client in
            let elapsed = try await ContinuousClock().measure { _ = try await client.fetchPage() }
            #expect(elapsed >= .milliseconds(150))
        }
    }
}
