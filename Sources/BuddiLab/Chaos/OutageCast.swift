import Foundation

/// The processes of a deployment, started in a lab for a scenario that takes the database away:
/// three workers, a scheduler (which campaigns for maintenance too) and serve, each started again
/// when it exits by itself, as systemd would, and counted.
struct OutageCast: Sendable {
    /// How soon after the database is back every process must be at work again.
    static let recoveryBound: Duration = .seconds(5)

    let lab: ChaosLab
    /// serve's port.
    let port: Int
    private let supervisor: Task<[ChaosLab.Crash], Never>

    /// Starts the cast in `lab`; worker-1 with `workerOptions` added.
    init(_ lab: ChaosLab, workerOptions: [String] = []) throws {
        self.lab = lab
        for index in 1...3 { try lab.start("worker-\(index)", ChaosLab.workerArguments + (index == 1 ? workerOptions : [])) }
        // Its lease rescue must be as quick as the workers' when it leads maintenance.
        try lab.start("scheduler", [
            "scheduler", "--tick-seconds", "1", "--lease-seconds", "6", "--rescue-interval-seconds", "1", "--maintenance-lease-seconds", "6",
        ])
        port = Int.random(in: 20_000...40_000)
        try lab.start("serve", ["serve", "--port", "\(port)"])
        supervisor = Task { () -> [ChaosLab.Crash] in
            var crashes: [ChaosLab.Crash] = []
            while !Task.isCancelled {
                crashes += (try? lab.restartCrashed()) ?? []
                try? await Task.sleep(for: .milliseconds(250))
            }
            return crashes
        }
    }

    /// Waits until `target` conversations would have been stored and processed.
    func waitForProgress(_ target: Int) async throws {
        while let progress = await lab.progress(), progress.stored + progress.processed < 2 * target {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// While the database is down, /health answers 503 within a second.
    func checkHealthDown() async -> [String] {
        let health = await ChaosHealth.probe(port: port)
        guard health.status != 503 || health.seconds > 1 else { return [] }
        return [String(format: "/health during the outage: %@ after %.2f s (want 503 within 1 s)", health.status.map(String.init) ?? "no answer", health.seconds)]
    }

    /// Once the database is back, /health answers 200 within ``recoveryBound``.
    func healthBack() async -> [String] {
        let back = ContinuousClock.now
        while ContinuousClock.now - back < .seconds(60) {
            if await ChaosHealth.probe(port: port).status == 200 {
                let seconds = (ContinuousClock.now - back).inSeconds
                guard seconds > Self.recoveryBound.inSeconds else { return [] }
                return [String(format: "/health answered 200 %.1f s after the database came back (want ≤ %.0f s)", seconds, Self.recoveryBound.inSeconds)]
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return ["/health did not answer 200 within 60 s of the database's return"]
    }

    /// Lets the work settle, then checks that every process lived through it, /health answers,
    /// every anchor is sealed and every process stops cleanly on SIGTERM; measures the result.
    func finish(scenario: ChaosScenario, started: ContinuousClock.Instant, recovery: Double?, problems: [String], timeout: Duration, faults: String) async throws -> ChaosResult {
        var problems = problems
        let settled = try await lab.settle(within: timeout)
        supervisor.cancel()
        let crashes = await supervisor.value + (try lab.restartCrashed())
        for crash in crashes where !crash.knownUpstream {
            problems.append("\(crash.name) exited during the outages: status \(crash.status)")
        }
        var upstream = crashes.filter(\.knownUpstream).map(\.name)
        let health = await ChaosHealth.probe(port: port)
        if health.status != 200 { problems.append("/health after the outages: \(health.status.map(String.init) ?? "no answer")") }
        if let sealing = await lab.sealingProblem() { problems.append(sealing) }
        let stopped = await lab.sigtermAll()
        problems += stopped.problems
        upstream += stopped.upstream
        return try await ChaosResult.measure(
            lab, scenario: scenario.rawValue, expected: Set(await lab.simulator.memoryIDs()),
            settled: settled, recovery: recovery, started: started,
            faults: faults + (upstream.isEmpty ? "" : "; ended by PostgresNIO's row-stream precondition (upstream, restarted as systemd would): \(upstream.joined(separator: ", "))"),
            problems: problems, sealingChecked: true)
    }
}

extension ChaosLab {
    /// Time from the database accepting connections to conversations being stored or processed
    /// again (zero when nothing is left to do).
    func recoveryTime() async throws -> Double {
        let back = ContinuousClock.now
        var baseline: (stored: Int, processed: Int)?
        while ContinuousClock.now - back < .seconds(60) {
            if let now = await progress() {
                if let baseline, now.stored > baseline.stored || now.processed > baseline.processed {
                    return (ContinuousClock.now - back).inSeconds
                }
                if baseline == nil { baseline = now }
                if await isSettled() { return 0 }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (ContinuousClock.now - back).inSeconds
    }

    /// SIGTERMs every process and checks each exits 0 within its grace period.
    /// A process that had hit PostgresNIO's row-stream precondition (its backtrace takes
    /// seconds to write) is named in `upstream` instead.
    func sigtermAll() async -> (problems: [String], upstream: [String]) {
        var problems: [String] = []
        var upstream: [String] = []
        for name in processNames { process(name)?.signal(SIGTERM) }
        for name in processNames {
            let status: Int32?? = try? await process(name)?.wait(timeout: .seconds(20))
            guard let exited = status ?? nil else {
                problems.append("\(name) still running 20 s after SIGTERM")
                continue
            }
            if exited != 0, ChaosLab.isKnownUpstreamCrash(process(name)?.output ?? "") {
                upstream.append(name)
            } else if exited != 0 {
                problems.append("\(name) exited \(exited) after SIGTERM")
            }
        }
        return (problems, upstream)
    }

}
