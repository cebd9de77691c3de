import BuddiAPI
import BuddiHTTP
import BuddiPipeline
import BuddiSimulator
import Foundation

/// The `webhooks` scenario: the simulator pushes new memories, signed, to a real `buddi serve`
/// (with sender faults: duplicates, out of order, wrong keys, stale timestamps, dropped
/// connections, memories never delivered) while serve is SIGKILLed twice and PostgreSQL crash-restarted once; then a
/// fetch reconciles. Every acknowledged delivery must be stored, once; every memory stored once
/// after the fetch, which counts those pushed before as duplicates.
struct WebhookChaos {
    let runner: ChaosRunner

    /// Deliveries offered per second.
    static let rate = 400.0

    func run() async throws -> ChaosResult {
        let port = Int.random(in: 20_000...40_000)
        let secret = WebhookSecret.random()
        let deliveries = runner.scale.webhookDeliveries
        guard let url = URL(string: "http://127.0.0.1:\(port)\(APIServer.webhookPath)") else { throw ChaosSetupError.badURL }
        var simulator = runner.simulator(memories: 0)
        // The specification's schedule a thousand times faster: 5 ms, 0.3 s, 1.8 s, 7.2 s, 18 s, 36 s, 36 s.
        simulator.webhook = WebhookPlan(
            url: url, secret: secret, backoffScale: 0.001, timeout: .seconds(3), duplicateRate: 0.05, outOfOrderRate: 0.05,
            badSignatureRate: 0.03, staleTimestampRate: 0.03, dropRate: 0.03, undeliveredRate: 0.02)
        return try await ChaosLab.with(cluster: runner.cluster, name: "webhooks", simulator: simulator, logger: runner.cluster.logger) { lab in
            let serve = ["serve", "--port", "\(port)"]
            let environment = ["BUDDI_WEBHOOK_SECRETS": secret.text]
            for index in 1...2 { try lab.start("worker-\(index)", ChaosLab.workerArguments) }
            try lab.start("serve", serve, environment: environment)
            var problems: [String] = []
            if await !Self.healthy(port: port, within: .seconds(60)) { problems.append("serve did not answer /health within 60 s of its start") }
            let started = ContinuousClock.now
            async let pushed: Void = lab.simulator.arriveAndPush(deliveries, every: .seconds(1 / Self.rate))
            try await Self.waitForPushed(lab, deliveries / 4)
            try await Self.killServe(lab, restartingWith: serve, environment: environment)
            try await Self.waitForPushed(lab, deliveries / 2)
            try lab.cluster.embedded.stop(mode: .immediate)
            try await Task.sleep(for: .seconds(1))
            try await lab.cluster.start()
            try await Self.waitForPushed(lab, deliveries * 3 / 4)
            try await Self.killServe(lab, restartingWith: serve, environment: environment)
            await pushed
            let report = lab.simulator.webhookReport()
            var stored = Set<String>()
            for try await id in try await lab.client.query("SELECT buddi_id FROM conversations", logger: lab.logger).decode(String.self) {
                stored.insert(id)
            }
            let unstored = report.acknowledged.subtracting(stored)
            if !unstored.isEmpty { problems.append("\(unstored.count) acknowledged deliveries not stored, e.g. \(unstored.sorted().prefix(3))") }
            let pushedStored = stored.count
            // The poller reconciles: what every attempt failed to deliver, and nothing twice.
            let fetch = try await lab.requestFetch(maximum: deliveries + 100)
            let settled = try await lab.settle(within: runner.scale.timeout)
            let run = try await FetchRuns.run(jobID: fetch, client: lab.client, logger: lab.logger)
            if run?.duplicates != pushedStored {
                problems.append("the reconciling fetch counted \(run?.duplicates ?? -1) duplicates; \(pushedStored) were stored by webhook before it")
            }
            if run?.new != report.abandoned.count {
                problems.append("the reconciling fetch stored \(run?.new ?? -1) new; \(report.abandoned.count) memories were never delivered")
            }
            if let sealing = await lab.sealingProblem() { problems.append(sealing) }
            let stopped = await lab.sigtermAll()
            problems += stopped.problems
            let faults = report.faults.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return try await ChaosResult.measure(
                lab, scenario: ChaosScenario.webhooks.rawValue, expected: Set(await lab.simulator.memoryIDs()), settled: settled,
                recovery: nil, started: started,
                faults: "\(deliveries) deliveries at \(Int(Self.rate))/s: \(report.acknowledged.count) acknowledged, \(report.abandoned.count) abandoned, "
                    + "\(report.attempts) attempts (\(report.unauthorized) 401, \(report.otherStatus) other non-2xx, \(report.unanswered) unanswered); "
                    + "sender faults: \(faults); serve SIGKILLed twice, PostgreSQL crash-restarted once; then a fetch reconciled "
                    + "(\(run?.new ?? 0) new, \(run?.duplicates ?? 0) duplicates)",
                problems: problems, sealingChecked: true)
        }
    }

    /// SIGKILLs serve and starts it again, as systemd would.
    private static func killServe(_ lab: ChaosLab, restartingWith arguments: [String], environment: [String: String]) async throws {
        lab.process("serve")?.signal(SIGKILL)
        _ = try await lab.process("serve")?.wait(timeout: .seconds(5))
        try lab.start("serve", arguments, environment: environment)
    }

    /// Waits until `count` memories are stored, or storing has not moved for 20 s.
    private static func waitForPushed(_ lab: ChaosLab, _ count: Int) async throws {
        var last = (stored: -1, at: ContinuousClock.now)
        while true {
            let stored = await lab.number("SELECT count(*) FROM conversations") ?? last.stored
            if stored >= count || ContinuousClock.now - last.at > .seconds(20) { return }
            if stored != last.stored { last = (stored, .now) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private static func healthy(port: Int, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if await ChaosHealth.probe(port: port).status == 200 { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}

/// A scenario could not be set up.
enum ChaosSetupError: Error {
    case badURL
}
