import BuddiAPI
import BuddiSimulator
import Foundation
import Testing

@Suite("Client-side rate limit")
struct RateLimitTests {
    @Test("four fetchers sharing a client never exceed the token bucket, measured at the server")
    func bucketHolds() async throws {
        let rate = 50.0, burst = 5
        try await withSimulator(SimulatorConfiguration(memoryCount: 100), client: {
            $0.requestsPerSecond = rate
            $0.burst = burst
        }) { simulator, client in
            try await withThrowingTaskGroup(of: Void.self) { fetchers in
                for _ in 0..<4 {
                    fetchers.addTask { for _ in 0..<10 { _ = try await client.fetchPage(MemoryQuery(pageSize: 1)) } }
                }
                try await fetchers.waitForAll()
            }
            let times = await simulator.requestTimes().sorted()
            #expect(times.count == 40)
            // A token bucket lets through at most burst + rate × window requests in any window.
            for first in times.indices {
                for last in times.indices where last > first {
                    let window = times[first].duration(to: times[last])
                    // 50 ms of slack for requests that queue on their way to the server.
                    let seconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18 + 0.05
                    #expect(Double(last - first + 1) <= Double(burst) + rate * seconds + 1, "requests \(first)…\(last) in \(window)")
                }
            }
            let total = times[0].duration(to: times[39])
            #expect(total >= .milliseconds(650))
        }
    }
}
