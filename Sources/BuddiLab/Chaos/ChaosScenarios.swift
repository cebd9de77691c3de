import BuddiSimulator
import Foundation

/// The chaos suite's scenarios, each on a fresh database.
package enum ChaosScenario: String, CaseIterable, Sendable {
    /// SIGKILL a random worker of three every few seconds during an ingest.
    case killWorkers = "kill-workers"
    /// PostgreSQL restarts (crash, clean, crash) during an ingest, with workers, a scheduler and
    /// serve running.
    case postgresRestart = "postgres-restart"
    /// SIGTERM to every worker mid-run; restarted, everything completes.
    case sigtermWorkers = "sigterm-workers"
    /// A worker host cut off the network mid-run (network namespaces, TCP to PostgreSQL).
    case hostCutOff = "host-cut-off"
    /// Memories arriving faster than a fetch's maximum over several fetches, with pages that
    /// repeat a memory at their boundary.
    case arrivals = "arrivals"
    /// The Buddi API with 5xx, 429, stalls, truncated and non-JSON bodies, stuck cursors,
    /// drip-fed bodies and repeats, all at once.
    case apiFaults = "api-faults"
    /// Bad memories of every kind among good ones.
    case badMemories = "bad-memories"
    /// A fetch that runs past its timeout, attempt after attempt.
    case hungFetch = "hung-fetch"
}

/// How big a chaos run is: the README's full form, or the short one CI runs.
package struct ChaosScale: Sendable {
    /// Memories per ingest.
    package var memories: Int
    var kills: Int
    var restarts: Int
    var arrivalRounds: Int
    var timeout: Duration

    /// The README's form.
    package static let full = ChaosScale(memories: 20_000, kills: 6, restarts: 3, arrivalRounds: 8, timeout: .seconds(600))
    /// The form CI runs.
    package static let short = ChaosScale(memories: 3_000, kills: 3, restarts: 3, arrivalRounds: 4, timeout: .seconds(240))
}

/// Runs the scenarios against one cluster.
package struct ChaosRunner: Sendable {
    let cluster: ChaosCluster
    let scale: ChaosScale
    let seed: UInt64

    /// A runner of `scale` on `cluster`, the simulator seeded with `seed`.
    package init(cluster: ChaosCluster, scale: ChaosScale, seed: UInt64) {
        self.cluster = cluster
        self.scale = scale
        self.seed = seed
    }

    package func run(_ scenario: ChaosScenario) async throws -> ChaosResult {
        switch scenario {
        case .killWorkers: try await killWorkers()
        case .postgresRestart: try await postgresRestart()
        case .sigtermWorkers: try await sigtermWorkers()
        case .hostCutOff: try await HostCutOff(cluster: cluster, scale: scale, seed: seed).run()
        case .arrivals: try await arrivals()
        case .apiFaults: try await InputChaos(cluster: cluster, scale: scale, seed: seed).apiFaults()
        case .badMemories: try await InputChaos(cluster: cluster, scale: scale, seed: seed).badMemories()
        case .hungFetch: try await InputChaos(cluster: cluster, scale: scale, seed: seed).hungFetch()
        }
    }

    private func simulator(memories: Int, faults: FaultPlan = FaultPlan()) -> SimulatorConfiguration {
        SimulatorConfiguration(port: 0, apiKey: "chaos", memoryCount: memories, seed: seed, faults: faults)
    }

    private func startWorkers(_ lab: ChaosLab, count: Int = 3) throws {
        for index in 1...count { try lab.start("worker-\(index)", ChaosLab.workerArguments) }
    }

    // MARK: 1. SIGKILL

    private func killWorkers() async throws -> ChaosResult {
        try await ChaosLab.with(cluster: cluster, name: "kill", simulator: simulator(memories: scale.memories), logger: cluster.logger) { lab in
            try startWorkers(lab)
            let started = ContinuousClock.now
            try await lab.requestFetch(maximum: scale.memories)
            var kills = 0
            var random = SystemRandomNumberGenerator()
            // Until that many kills have landed while work was left (or the work is all done).
            while kills < scale.kills {
                try await Task.sleep(for: .milliseconds(Int.random(in: 1000...2000, using: &random)))
                let victim = "worker-\(Int.random(in: 1...3, using: &random))"
                guard await !lab.isSettled() else { break }
                lab.process(victim)?.signal(SIGKILL)
                _ = try await lab.process(victim)?.wait(timeout: .seconds(5))
                try lab.start(victim, ChaosLab.workerArguments)
                kills += 1
            }
            let settled = try await lab.settle(within: scale.timeout)
            return try await ChaosResult.measure(
                lab, scenario: ChaosScenario.killWorkers.rawValue, expected: Set(await lab.simulator.memoryIDs()),
                settled: settled, recovery: nil, started: started,
                faults: "\(kills) SIGKILLs of 3 workers while work was left, every 1–2 s, \(scale.memories) memories",
                problems: kills < scale.kills ? ["only \(kills) of \(scale.kills) kills landed before the work was done"] : [])
        }
    }

    // MARK: 2. PostgreSQL crash-restarts

    private func postgresRestart() async throws -> ChaosResult {
        try await ChaosLab.with(cluster: cluster, name: "restart", simulator: simulator(memories: scale.memories), logger: cluster.logger) { lab in
            try startWorkers(lab)
            // It campaigns for maintenance too: when it leads, its sweep must be as quick as the workers'.
            try lab.start("scheduler", [
                "scheduler", "--tick-seconds", "1", "--lease-seconds", "6", "--rescue-interval-seconds", "1", "--maintenance-lease-seconds", "6",
                "--sweep-interval-seconds", "2", "--sweep-grace-seconds", "10",
            ])
            let port = Int.random(in: 20_000...40_000)
            try lab.start("serve", ["serve", "--port", "\(port)"])
            let started = ContinuousClock.now
            try await lab.requestFetch(maximum: scale.memories)
            var problems: [String] = []
            var recoveries: [Double] = []
            // As systemd would, a process that exits by itself is started again, and counted.
            let supervisor = Task { () -> [ChaosLab.Crash] in
                var crashes: [ChaosLab.Crash] = []
                while !Task.isCancelled {
                    crashes += (try? lab.restartCrashed()) ?? []
                    try? await Task.sleep(for: .milliseconds(250))
                }
                return crashes
            }
            for round in 1...scale.restarts {
                // Crash at a quarter, a half, three quarters of the way.
                let target = scale.memories * round / (scale.restarts + 1)
                while let progress = await lab.progress(), progress.stored + progress.processed < 2 * target {
                    try await Task.sleep(for: .milliseconds(50))
                }
                // The second restart is a clean one (fast shutdown: sessions are told 57P01).
                try lab.cluster.embedded.stop(mode: round == 2 ? .fast : .immediate)
                // While it is down, /health answers 503 within a second.
                let health = await ChaosHealth.probe(port: port)
                if health.status != 503 || health.seconds > 1 {
                    problems.append(String(format: "/health during the outage: %@ after %.2f s (want 503 within 1 s)", health.status.map(String.init) ?? "no answer", health.seconds))
                }
                try await Task.sleep(for: .seconds(1))
                try await lab.cluster.start()
                recoveries.append(try await recoveryTime(lab))
            }
            let settled = try await lab.settle(within: scale.timeout)
            supervisor.cancel()
            let crashes = await supervisor.value + (try lab.restartCrashed())
            for crash in crashes where !crash.knownUpstream {
                problems.append("\(crash.name) exited during the outages: status \(crash.status)")
            }
            var upstream = crashes.filter(\.knownUpstream).map(\.name)
            let health = await ChaosHealth.probe(port: port)
            if health.status != 200 { problems.append("/health after the outages: \(health.status.map(String.init) ?? "no answer")") }
            if let sealing = await lab.sealingProblem() { problems.append(sealing) }
            let stopped = await sigtermAll(lab)
            problems += stopped.problems
            upstream += stopped.upstream
            return try await ChaosResult.measure(
                lab, scenario: ChaosScenario.postgresRestart.rawValue, expected: Set(await lab.simulator.memoryIDs()),
                settled: settled, recovery: recoveries.max(), started: started,
                faults: "\(scale.restarts) restarts (pg_ctl stop -m immediate, the second -m fast) under 3 workers, a scheduler and serve, \(scale.memories) memories"
                    + (upstream.isEmpty ? "" : "; ended by PostgresNIO's row-stream precondition (upstream, restarted as systemd would): \(upstream.joined(separator: ", "))"),
                problems: problems, sealingChecked: true)
        }
    }

    /// Time from the database accepting connections to conversations being stored or processed
    /// again (zero when nothing is left to do).
    private func recoveryTime(_ lab: ChaosLab) async throws -> Double {
        let back = ContinuousClock.now
        var baseline: (stored: Int, processed: Int)?
        while ContinuousClock.now - back < .seconds(60) {
            if let now = await lab.progress() {
                if let baseline, now.stored > baseline.stored || now.processed > baseline.processed {
                    return (ContinuousClock.now - back).inSeconds
                }
                if baseline == nil { baseline = now }
                if await lab.isSettled() { return 0 }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (ContinuousClock.now - back).inSeconds
    }

    /// SIGTERMs every process and checks each exits 0 within its grace period.
    /// A process that had hit PostgresNIO's row-stream precondition (its backtrace takes
    /// seconds to write) is named in `upstream` instead.
    private func sigtermAll(_ lab: ChaosLab) async -> (problems: [String], upstream: [String]) {
        var problems: [String] = []
        var upstream: [String] = []
        for name in lab.processNames { lab.process(name)?.signal(SIGTERM) }
        for name in lab.processNames {
            let status: Int32?? = try? await lab.process(name)?.wait(timeout: .seconds(20))
            guard let exited = status ?? nil else {
                problems.append("\(name) still running 20 s after SIGTERM")
                continue
            }
            if exited != 0, ChaosLab.isKnownUpstreamCrash(lab.process(name)?.output ?? "") {
                upstream.append(name)
            } else if exited != 0 {
                problems.append("\(name) exited \(exited) after SIGTERM")
            }
        }
        return (problems, upstream)
    }

    // MARK: 3. SIGTERM

    private func sigtermWorkers() async throws -> ChaosResult {
        try await ChaosLab.with(cluster: cluster, name: "sigterm", simulator: simulator(memories: scale.memories), logger: cluster.logger) { lab in
            try startWorkers(lab)
            let started = ContinuousClock.now
            try await lab.requestFetch(maximum: scale.memories)
            while let progress = await lab.progress(), progress.stored < scale.memories / 3 {
                try await Task.sleep(for: .milliseconds(50))
            }
            let stopped = await sigtermAll(lab)
            try startWorkers(lab)
            let settled = try await lab.settle(within: scale.timeout)
            return try await ChaosResult.measure(
                lab, scenario: ChaosScenario.sigtermWorkers.rawValue, expected: Set(await lab.simulator.memoryIDs()),
                settled: settled, recovery: nil, started: started,
                faults: "SIGTERM to all 3 workers a third of the way, then restarted, \(scale.memories) memories"
                    + (stopped.upstream.isEmpty ? "" : "; ended by PostgresNIO's row-stream precondition (upstream): \(stopped.upstream.joined(separator: ", "))"),
                problems: stopped.problems)
        }
    }

    // MARK: 5. Arrivals faster than a fetch takes

    private func arrivals() async throws -> ChaosResult {
        let maximum = 50
        let faults = FaultPlan(duplicateRate: 0.3)
        return try await ChaosLab.with(cluster: cluster, name: "arrivals", simulator: simulator(memories: 300, faults: faults), logger: cluster.logger) { lab in
            try startWorkers(lab, count: 2)
            let started = ContinuousClock.now
            try await fetchAndWait(lab, maximum: maximum)
            var first = Set<String>()
            for try await id in try await lab.client.query("SELECT buddi_id FROM conversations", logger: lab.logger).decode(String.self) {
                first.insert(id)
            }
            for _ in 1...scale.arrivalRounds {
                await lab.simulator.arrive(maximum * 5 / 2)
                try await fetchAndWait(lab, maximum: maximum)
            }
            // Then fetches until one brings nothing new and no gap is left (or it is hopeless).
            var catchUp = 0
            while catchUp < 4 * scale.arrivalRounds + 10 {
                catchUp += 1
                try await fetchAndWait(lab, maximum: maximum)
                let gaps = await lab.number("SELECT count(*) FROM fetch_gaps") ?? -1
                let lastNew = await lab.number("SELECT COALESCE(new_conversations, -1) FROM fetch_runs ORDER BY job_id DESC LIMIT 1") ?? -1
                if gaps == 0, lastNew == 0 { break }
            }
            let settled = try await lab.settle(within: scale.timeout)
            // Everything newer than the oldest memory the first fetch stored had to be stored.
            let ids = await lab.simulator.memoryIDs()
            let cut = ids.lastIndex(where: first.contains) ?? -1
            let injected = await lab.simulator.injectedFaults()[.duplicateMemory] ?? 0
            return try await ChaosResult.measure(
                lab, scenario: ChaosScenario.arrivals.rawValue, expected: Set(ids.prefix(cut + 1)), settled: settled, recovery: nil,
                started: started,
                faults: "\(scale.arrivalRounds) rounds of \(maximum * 5 / 2) arrivals against fetches of at most \(maximum), \(catchUp) catch-up fetches, \(injected) page-boundary repeats")
        }
    }

    /// Requests a fetch and waits for it to end.
    private func fetchAndWait(_ lab: ChaosLab, maximum: Int) async throws {
        let job = try await lab.requestFetch(maximum: maximum)
        let deadline = ContinuousClock.now + scale.timeout
        while ContinuousClock.now < deadline {
            if await lab.number("SELECT count(*) FROM jobs WHERE id = \(job) AND state IN ('completed', 'discarded', 'cancelled')") == 1 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
