@testable import BuddiAPI
import BuddiSimulator
import Foundation
import Testing

@Suite("Errors and faults")
struct ErrorTests {
    @Test("401 fails at once with the clear message")
    func unauthorized() async throws {
        try await withSimulator(SimulatorConfiguration(apiKey: "the-right-key")) { simulator, client in
            let error = await caught { _ = try await client.fetchPage() }
            let url = try await simulator.baseURL()
            let host = "127.0.0.1:\(url.port ?? 0)"
            #expect(error == .unauthorized(host: host))
            #expect(error?.description == "BUDDI_API_KEY missing or rejected by \(host)")
            #expect(await simulator.requestTimes().count == 1)
        }
    }

    @Test("a missing key is a 401 too")
    func missingKey() async throws {
        try await withSimulator(SimulatorConfiguration(), client: { $0.apiKey = nil }) { _, client in
            let error = await caught { _ = try await client.fetchPage() }
            guard case .unauthorized = error else { Issue.record("expected unauthorized, got \(String(describing: error))"); return }
        }
    }

    @Test("400 is an invalid request with the server's detail, not retried")
    func invalidRequest() async throws {
        try await withSimulator(SimulatorConfiguration()) { simulator, client in
            let error = await caught { _ = try await client.fetchPage(cursor: "not-a-cursor") }
            #expect(error == .invalidRequest(detail: "Invalid cursor"))
            #expect(error?.isRetryable == false)
            #expect(await simulator.requestTimes().count == 1)
        }
    }

    @Test("an undocumented status (404 for a wrong base path) is not retried")
    func unexpectedStatus() async throws {
        try await withSimulator(SimulatorConfiguration(), client: { $0.baseURL.appendPathComponent("nope") }) { simulator, client in
            let error = await caught { _ = try await client.fetchPage() }
            guard case .unexpectedStatus(404, _) = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(await simulator.requestTimes().count == 1)
        }
    }

    @Test("5xx on every attempt is retried a bounded number of times, then a retryable error")
    func serverErrorsExhausted() async throws {
        let configuration = SimulatorConfiguration(faults: FaultPlan(serverErrorRate: 1))
        try await withSimulator(configuration, client: { $0.retry.maxRetries = 3 }) { simulator, client in
            let error = await caught { _ = try await client.fetchPage() }
            #expect(error == .unavailable(attempts: 4, lastFailure: "HTTP 500"))
            #expect(error?.isRetryable == true)
            #expect(await simulator.requestTimes().count == 4)
        }
    }

    @Test("Retry-After is honoured between attempts, and a 429 that never ends is rateLimited")
    func retryAfterHonoured() async throws {
        let configuration = SimulatorConfiguration(faults: FaultPlan(rateLimitRate: 1, retryAfterSeconds: 1))
        try await withSimulator(configuration, client: { $0.retry.maxRetries = 1 }) { simulator, client in
            let error = await caught { _ = try await client.fetchPage() }
            #expect(error == .rateLimited(retryAfter: .seconds(1)))
            let times = await simulator.requestTimes()
            try #require(times.count == 2)
            #expect(times[0].duration(to: times[1]) >= .milliseconds(990))
        }
    }

    @Test("a Retry-After longer than the policy accepts ends the call at once")
    func retryAfterTooLong() async throws {
        let configuration = SimulatorConfiguration(faults: FaultPlan(rateLimitRate: 1, retryAfterSeconds: 30))
        try await withSimulator(configuration, client: { $0.retry.maxRetryAfter = .seconds(5) }) { simulator, client in
            let error = await caught { _ = try await client.fetchPage() }
            #expect(error == .rateLimited(retryAfter: .seconds(30)))
            #expect(await simulator.requestTimes().count == 1)
        }
    }

    @Test("Retry-After is read as seconds or as an HTTP-date")
    func retryAfterParsing() {
        let now = Date(timeIntervalSince1970: 784_111_767)  // Sun, 06 Nov 1994 08:49:27 GMT
        #expect(RetryAfter.delay("3") == .seconds(3))
        #expect(RetryAfter.delay(" 0 ") == .zero)
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:00 GMT", now: now) == .zero)
        #expect(RetryAfter.delay("soon") == nil)
        #expect(RetryAfter.delay("1e20") == .seconds(86_400), "a huge number is capped, not a crash")
    }

    @Test("a refused connection is retried, then unavailable")
    func connectionRefused() async throws {
        let url = try await BuddiSimulator.withRunning(SimulatorConfiguration(port: 0)) { _, url in url }
        var configuration = fastClientConfiguration(url)
        configuration.retry.maxRetries = 2
        configuration.connectTimeout = .milliseconds(200)
        let error = await caught {
            _ = try await BuddiAPIClient.withClient(configuration: configuration) { try await $0.fetchPage() }
        }
        guard case .unavailable(3, _) = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test("a truncated body is retried as the passing fault it usually is; on every attempt it is a decode error naming the request")
    func truncatedBody() async throws {
        try await withSimulator(SimulatorConfiguration(faults: FaultPlan(truncateRate: 1)), client: { $0.retry.maxRetries = 2 }) { simulator, client in
            let error = await caught { _ = try await client.fetchPage(MemoryQuery(pageSize: 7)) }
            guard case .malformedResponse(let location, let reason) = error else {
                Issue.record("got \(String(describing: error))"); return
            }
            #expect(location.hasSuffix("/v1/dev/get_memories?limit=7"))
            #expect(reason.contains("not valid JSON"))
            #expect(reason.hasSuffix("(on each of 3 attempts)"))
            #expect(await simulator.requestTimes().count == 3)
        }
    }

    @Test("truncated and non-JSON bodies and stuck cursors now and then cost a retry each, not the walk")
    func unreadableBodiesRetried() async throws {
        let faults = FaultPlan(truncateRate: 0.15, malformedJSONRate: 0.15, stuckCursorRate: 0.15)
        try await withSimulator(SimulatorConfiguration(memoryCount: 400, faults: faults)) { simulator, client in
            var ids: [String] = []
            for try await memory in client.memories() { ids.append(memory.id) }
            #expect(ids == (await simulator.memoryIDs()))
            let injected = await simulator.injectedFaults()
            #expect(injected[.truncatedBody, default: 0] > 0 && injected[.malformedJSON, default: 0] > 0 && injected[.stuckCursor, default: 0] > 0)
        }
    }

    @Test("a body that is not JSON on every attempt is a decode error")
    func malformedJSON() async throws {
        try await withSimulator(SimulatorConfiguration(faults: FaultPlan(malformedJSONRate: 1)), client: { $0.retry.maxRetries = 1 }) { _, client in
            let error = await caught { _ = try await client.fetchPage() }
            guard case .malformedResponse = error else { Issue.record("got \(String(describing: error))"); return }
        }
    }

    @Test("a body that trickles in a byte at a time fails at the request timeout, body included, and is retried")
    func drippedBody() async throws {
        let faults = FaultPlan(dripRate: 1, dripInterval: .milliseconds(100))
        try await withSimulator(SimulatorConfiguration(memoryCount: 50, faults: faults), client: {
            $0.requestTimeout = .seconds(1)
            $0.retry.maxRetries = 1
        }) { simulator, client in
            let started = ContinuousClock.now
            let error = await caught { _ = try await client.fetchPage() }
            #expect(error == .unavailable(attempts: 2, lastFailure: "no whole response within the 1 s request timeout"))
            // Two attempts of a second each (the read timeout of 5 s never fires: a byte comes every 0.1 s).
            #expect(ContinuousClock.now - started < .seconds(4))
            #expect(await simulator.requestTimes().count == 2)
        }
    }

    @Test("a stalled body hits the read timeout and is retried")
    func stalledBody() async throws {
        let faults = FaultPlan(stallRate: 0.5, stallDuration: .seconds(4))
        try await withSimulator(SimulatorConfiguration(memoryCount: 100, faults: faults), client: {
            $0.readTimeout = .milliseconds(600)
        }) { simulator, client in
            var ids: [String] = []
            for try await memory in client.memories() { ids.append(memory.id) }
            #expect(ids == (await simulator.memoryIDs()))
            let stalls = await simulator.injectedFaults()[.stalledBody, default: 0]
            #expect(stalls > 0)
            // Each stall costs a retry (a slow answer on a loaded machine may cost one too).
            #expect(await simulator.requestTimes().count >= 5 + stalls)
        }
    }

    @Test("a malformed memory is reported and the rest of its page decoded")
    func malformedMemory() async throws {
        let logs = LogCapture()
        let configuration = SimulatorConfiguration(memoryCount: 200, faults: FaultPlan(malformedMemoryRate: 0.2))
        try await withSimulator(configuration, logs: logs) { simulator, client in
            var decoded = 0
            var skipped: [SkippedMemory] = []
            for try await page in client.pages() {
                decoded += page.memories.count
                skipped += page.skipped
                #expect(page.memories.allSatisfy { !$0.id.isEmpty })
            }
            #expect(decoded + skipped.count == 200)
            #expect(skipped.count > 10)
            #expect(skipped.allSatisfy { $0.error.reason.contains("`id`") })
            let warnings = logs.lines.filter { $0.contains("Skipped a Buddi memory") }
            #expect(warnings.count == skipped.count)
        }
    }

    @Test("a next_cursor that repeats the request's cursor on every attempt is a malformed response, not a loop")
    func stuckCursor() async throws {
        let configuration = SimulatorConfiguration(memoryCount: 100, faults: FaultPlan(stuckCursorRate: 1))
        try await withSimulator(configuration, client: { $0.retry.maxRetries = 2 }) { simulator, client in
            let first = try await client.fetchPage(MemoryQuery(pageSize: 10))
            let cursor = try #require(first.nextCursor)
            await #expect(throws: BuddiAPIError.malformedResponse(
                location: "GET /v1/dev/get_memories?limit=10&cursor=\(cursor)",
                reason: "next_cursor repeats the cursor of the request (on each of 3 attempts)")) {
                try await client.fetchPage(MemoryQuery(pageSize: 10), cursor: cursor)
            }
            #expect(await simulator.requestTimes().count == 4)
        }
    }
}
