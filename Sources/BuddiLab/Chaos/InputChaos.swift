import BuddiSimulator
import Foundation
import PostgresNIO

/// The chaos scenarios about what comes in: a Buddi API that fails every way it can, bad
/// memories among good ones, and a fetch that runs past its timeout.
struct InputChaos: Sendable {
    let cluster: ChaosCluster
    let scale: ChaosScale
    let seed: UInt64

    /// The client settings the scenarios' workers run with: a stall is cut by the 2 s read
    /// timeout, a drip-fed body by the 4 s request timeout (it sends a byte every 0.2 s, so the
    /// read timeout never fires).
    private static let clientSettings = [
        "BUDDI_API_READ_TIMEOUT_SECONDS": "2", "BUDDI_API_REQUEST_TIMEOUT_SECONDS": "4",
        // Ids up to 100 kB pass the checks, so the 6 kB ones reach PostgreSQL, which refuses them.
        "BUDDI_MAX_MEMORY_ID_BYTES": "100000",
    ]

    private func lab(
        _ name: String, memories: Int, faults: FaultPlan, workers: Int = 2, workerArguments: [String] = [],
        _ body: @escaping @Sendable (ChaosLab) async throws -> ChaosResult
    ) async throws -> ChaosResult {
        let simulator = SimulatorConfiguration(port: 0, apiKey: "chaos", memoryCount: memories, seed: seed, faults: faults)
        return try await ChaosLab.with(cluster: cluster, name: name, simulator: simulator, logger: cluster.logger) { lab in
            // A failed fetch attempt retries after the error-recovery delay: short here, so that
            // a page that failed every try costs seconds, not minutes.
            try await lab.client.query("UPDATE scheduler_settings SET error_recovery_seconds = 5", logger: lab.logger)
            for index in 1...workers {
                try lab.start("worker-\(index)", ChaosLab.workerArguments + workerArguments, environment: Self.clientSettings)
            }
            return try await body(lab)
        }
    }

    /// 5xx, 429, stalls, truncated and non-JSON bodies, stuck cursors, drip-fed bodies and
    /// page-boundary repeats, all at once: everything ingested exactly once.
    func apiFaults() async throws -> ChaosResult {
        let memories = min(scale.memories, 4000)
        let faults = FaultPlan(
            serverErrorRate: 0.03, rateLimitRate: 0.03, retryAfterSeconds: 1, stallRate: 0.02, stallDuration: .seconds(3),
            truncateRate: 0.02, malformedJSONRate: 0.02, duplicateRate: 0.1, stuckCursorRate: 0.02, dripRate: 0.01,
            dripInterval: .milliseconds(200))
        return try await lab("api-faults", memories: memories, faults: faults) { lab in
            let started = ContinuousClock.now
            let job = try await lab.requestFetch(maximum: memories)
            let settled = try await lab.settle(within: scale.timeout)
            let injected = await lab.simulator.injectedFaults()
            var problems: [String] = []
            if await lab.number("SELECT count(*) FROM jobs WHERE id = \(job) AND state = 'completed'") != 1 {
                problems.append("the fetch did not complete")
            }
            let summary = InjectedFault.allCases.compactMap { fault in injected[fault].map { "\($0) \(fault.rawValue)" } }
            if summary.count < InjectedFault.allCases.count { problems.append("not every kind of fault was injected: \(summary)") }
            return try await ChaosResult.measure(
                lab, scenario: ChaosScenario.apiFaults.rawValue, expected: Set(await lab.simulator.memoryIDs()), settled: settled,
                recovery: nil, started: started, faults: "\(memories) memories; injected \(summary.joined(separator: ", "))",
                problems: problems)
        }
    }

    /// A page with bad memories of every kind among good ones: every good one stored and
    /// processed, every bad one in `rejected_memories` with its reason, the fetch completed.
    func badMemories() async throws -> ChaosResult {
        let memories = min(scale.memories, 3000)
        return try await lab("bad-memories", memories: memories, faults: FaultPlan(badMemoryRate: 0.05)) { lab in
            let started = ContinuousClock.now
            let job = try await lab.requestFetch(maximum: memories)
            let settled = try await lab.settle(within: scale.timeout)
            let bad = await lab.simulator.badMemories()
            let badIDs = Set(bad.map(\.id))
            var problems: [String] = []
            if await lab.number("SELECT count(*) FROM jobs WHERE id = \(job) AND state = 'completed'") != 1 {
                problems.append("the fetch did not complete")
            }
            if Set(bad.map(\.kind)) != Set(BadMemoryKind.allCases) { problems.append("not every kind of bad memory was served") }
            let rejected = await lab.number("SELECT count(*) FROM rejected_memories") ?? -1
            if rejected != bad.count { problems.append("\(rejected) rows in rejected_memories for \(bad.count) bad memories") }
            let named = bad.filter(\.kind.keepsID).map(\.id)
            let found = await lab.number("SELECT count(*) FROM rejected_memories WHERE buddi_id = ANY(\(named)::text[])") ?? -1
            if found != named.count { problems.append("\(found) of the \(named.count) bad memories with a readable id are named in rejected_memories") }
            let refused = await lab.number("SELECT count(*) FROM rejected_memories WHERE reason LIKE 'the database refused it:%'") ?? -1
            let longIDs = bad.filter { $0.kind == .longID }.count
            if refused != longIDs { problems.append("\(refused) rejections by the database for \(longIDs) over-long ids") }
            return try await ChaosResult.measure(
                lab, scenario: ChaosScenario.badMemories.rawValue,
                expected: Set(await lab.simulator.memoryIDs()).subtracting(badIDs), settled: settled, recovery: nil, started: started,
                faults: "\(bad.count) bad memories of \(Set(bad.map(\.kind)).count) kinds among \(memories), \(rejected) rejected (\(refused) by the database)",
                problems: problems)
        }
    }

    /// A fetch whose every call is slow, run by workers that let a fetch attempt last 4 s: each
    /// attempt is stopped at its timeout and the next resumes from its checkpoint, so the fetch
    /// ends, and the next one can be scheduled.
    func hungFetch() async throws -> ChaosResult {
        let memories = 300
        return try await lab("hung-fetch", memories: memories, faults: FaultPlan(latency: .milliseconds(500)), workerArguments: ["--timeout", "fetch=4"]) { lab in
            let started = ContinuousClock.now
            let job = try await lab.requestFetch(maximum: memories)
            var settled = try await lab.settle(within: scale.timeout)
            var problems: [String] = []
            let timeouts = await lab.number("""
                SELECT count(*) FROM jobs, jsonb_array_elements(errors) e
                WHERE id = \(job) AND e ->> 'message' LIKE '%ran past its%timeout%'
                """) ?? -1
            if timeouts < 1 { problems.append("no attempt of the fetch timed out") }
            if await lab.number("SELECT count(*) FROM jobs WHERE id = \(job) AND state = 'completed'") != 1 {
                problems.append("the fetch did not complete")
            }
            // Scheduling goes on: no fetch is left in progress, and the next one runs.
            let next = try await lab.requestFetch(maximum: memories)
            settled = try await lab.settle(within: scale.timeout) && settled
            if await lab.number("SELECT count(*) FROM fetch_runs WHERE job_id = \(next) AND outcome = 'succeeded'") != 1 {
                problems.append("the next fetch did not succeed")
            }
            return try await ChaosResult.measure(
                lab, scenario: ChaosScenario.hungFetch.rawValue, expected: Set(await lab.simulator.memoryIDs()), settled: settled,
                recovery: nil, started: started,
                faults: "every API call 0.5 s, fetch timeout 4 s: \(timeouts) attempts timed out, then a second fetch", problems: problems)
        }
    }
}
