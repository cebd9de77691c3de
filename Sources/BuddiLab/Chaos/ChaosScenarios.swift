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
    /// PostgreSQL down for minutes mid-ingest, under workers, a scheduler and serve.
    case longOutage = "long-outage"
    /// The cluster on a small filesystem that fills mid-ingest, and is freed a while later.
    case diskFull = "disk-full"
    /// Signed webhook deliveries under load while serve is SIGKILLed and PostgreSQL
    /// crash-restarted, then a reconciling fetch.
    case webhooks = "webhooks"
}

/// How big a chaos run is: the README's full form, or the short one CI runs.
package struct ChaosScale: Sendable {
    /// Memories per ingest.
    package var memories: Int
    var kills: Int
    var restarts: Int
    var arrivalRounds: Int
    var timeout: Duration
    /// How long the long outage lasts.
    var outage: Duration
    /// How long the disk stays full.
    var diskFull: Duration
    /// Memories pushed by webhook.
    var webhookDeliveries: Int

    /// The README's form.
    package static let full = ChaosScale(
        memories: 20_000, kills: 6, restarts: 3, arrivalRounds: 8, timeout: .seconds(600), outage: .seconds(180), diskFull: .seconds(60),
        webhookDeliveries: 5_000)
    /// The form CI runs.
    package static let short = ChaosScale(
        memories: 3_000, kills: 3, restarts: 3, arrivalRounds: 4, timeout: .seconds(240), outage: .seconds(30), diskFull: .seconds(15),
        webhookDeliveries: 1_000)
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
        case .longOutage: try await longOutage()
        case .diskFull: try await DiskFullChaos(runner: self).run()
        case .webhooks: try await WebhookChaos(runner: self).run()
        }
    }

    func simulator(memories: Int, faults: FaultPlan = FaultPlan()) -> SimulatorConfiguration {
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
            // Until that many kills have landed while work was left (or the work is all done): a
            // kill every 0.5–1 s, as an ingest of 20,000 now takes a few seconds.
            while kills < scale.kills {
                try await Task.sleep(for: .milliseconds(Int.random(in: 500...1000, using: &random)))
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
                faults: "\(kills) SIGKILLs of 3 workers while work was left, every 0.5–1 s, \(scale.memories) memories",
                problems: kills < scale.kills ? ["only \(kills) of \(scale.kills) kills landed before the work was done"] : [])
        }
    }

    // MARK: 2. PostgreSQL crash-restarts

    private func postgresRestart() async throws -> ChaosResult {
        try await ChaosLab.with(cluster: cluster, name: "restart", simulator: simulator(memories: scale.memories), logger: cluster.logger) { lab in
            let cast = try OutageCast(lab)
            let started = ContinuousClock.now
            try await lab.requestFetch(maximum: scale.memories)
            var problems: [String] = []
            var recoveries: [Double] = []
            for round in 1...scale.restarts {
                // Crash at a quarter, a half, three quarters of the way.
                try await cast.waitForProgress(scale.memories * round / (scale.restarts + 1))
                // The second restart is a clean one (fast shutdown: sessions are told 57P01).
                try lab.cluster.embedded.stop(mode: round == 2 ? .fast : .immediate)
                problems += await cast.checkHealthDown()
                try await Task.sleep(for: .seconds(1))
                try await lab.cluster.start()
                recoveries.append(try await lab.recoveryTime())
            }
            return try await cast.finish(
                scenario: .postgresRestart, started: started, recovery: recoveries.max(), problems: problems, timeout: scale.timeout,
                faults: "\(scale.restarts) restarts (pg_ctl stop -m immediate, the second -m fast) under 3 workers, a scheduler and serve, \(scale.memories) memories")
        }
    }

    // MARK: 9. A long outage

    private func longOutage() async throws -> ChaosResult {
        try await ChaosLab.with(cluster: cluster, name: "long-outage", simulator: simulator(memories: scale.memories), logger: cluster.logger) { lab in
            let cast = try OutageCast(lab)
            let started = ContinuousClock.now
            try await lab.requestFetch(maximum: scale.memories)
            try await cast.waitForProgress(scale.memories / 2)
            try lab.cluster.embedded.stop(mode: .immediate)
            var problems = await cast.checkHealthDown()
            try await Task.sleep(for: scale.outage)
            try await lab.cluster.start()
            async let health = cast.healthBack()
            let recovery = try await lab.recoveryTime()
            problems += await health
            return try await cast.finish(
                scenario: .longOutage, started: started, recovery: recovery, problems: problems, timeout: scale.timeout,
                faults: "PostgreSQL down \(Int(scale.outage.inSeconds)) s (pg_ctl stop -m immediate) halfway through, under 3 workers, a scheduler and serve, \(scale.memories) memories")
        }
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
            let stopped = await lab.sigtermAll()
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
