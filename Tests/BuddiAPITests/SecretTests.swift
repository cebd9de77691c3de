import BuddiAPI
import BuddiSimulator
import Foundation
import Testing

@Suite("The API key stays secret")
struct SecretTests {
    @Test("no log line or error message contains the key, whatever happens")
    func keyNeverLogged() async throws {
        let logs = LogCapture()
        var messages: [String] = []
        let faults = FaultPlan(
            serverErrorRate: 0.3, rateLimitRate: 0.2, retryAfterSeconds: 0, truncateRate: 0.1, malformedJSONRate: 0.1,
            malformedMemoryRate: 0.2
        )
        let errors = try await withSimulator(SimulatorConfiguration(memoryCount: 100, faults: faults), logs: logs, client: {
            $0.retry.maxRetries = 1
        }) { _, client in
            var errors: [String] = []
            for _ in 0..<20 {
                if let error = await caught({ _ = try await client.fetchPage(MemoryQuery(pageSize: 5)) }) {
                    errors.append("\(error)")
                }
            }
            return errors + ["\(client.configuration)", String(reflecting: client.configuration)]
        }
        messages += errors
        let wrongKey = try await withSimulator(SimulatorConfiguration(apiKey: "another"), logs: logs) { _, client in
            await caught { _ = try await client.fetchPage() }.map { "\($0)" } ?? ""
        }
        messages.append(wrongKey)
        #expect(logs.lines.count > 20)
        #expect(errors.count > 2)
        for line in logs.lines + messages {
            #expect(!line.contains(secretKey), "leaked in: \(line)")
        }
    }

    @Test("a key prints as <redacted>")
    func keyRedacted() throws {
        let key = try #require(BuddiAPIKey(secretKey))
        #expect("\(key)" == "<redacted>")
        #expect(String(reflecting: key) == "<redacted>")
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains(secretKey))
        #expect(BuddiAPIKey("  ") == nil)
    }
}
