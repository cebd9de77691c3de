import PostgresServer
import BuddiSimulator
import Foundation
import PostgresNIO

/// Scenario 4: workers on three hosts (network namespaces) talk to PostgreSQL over TCP; the
/// host whose worker holds the most running jobs is cut off the network mid-run, long enough for
/// its leases to expire, then put back. Its jobs must be rescued and finished by the others,
/// nothing lost or done twice, and the cut-off worker, once back, must overwrite nothing.
struct HostCutOff: Sendable {
    let cluster: ChaosCluster
    let scale: ChaosScale
    let seed: UInt64

    /// How long the host stays cut off: several leases (the chaos workers lease for 6 s).
    static let outage: Duration = .seconds(20)

    func run() async throws -> ChaosResult {
        let hosts = ChaosHosts(count: 3)
        do {
            try await hosts.create()
        } catch {
            await hosts.destroy()
            return ChaosResult.skipped(ChaosScenario.hostCutOff.rawValue, because: "cannot make network namespaces here (\(error))")
        }
        do {
            try await cluster.listen(onTCP: (1...hosts.count).map(hosts.serverAddress))
            let result = try await cutOff(hosts)
            try await cluster.listen(onTCP: [])
            await hosts.destroy()
            return result
        } catch {
            try? await cluster.listen(onTCP: [])
            await hosts.destroy()
            throw error
        }
    }

    private func cutOff(_ hosts: ChaosHosts) async throws -> ChaosResult {
        // The simulator listens on this machine's address as host 1 sees it; every host reaches it.
        let simulator = SimulatorConfiguration(host: hosts.serverAddress(1), port: 0, apiKey: "chaos", memoryCount: scale.memories, seed: seed)
        return try await ChaosLab.with(cluster: cluster, name: "cutoff", simulator: simulator, logger: cluster.logger) { lab in
            var pids: [Int: pid_t] = [:]
            for index in 1...hosts.count {
                let url = "postgres://buddi@\(hosts.serverAddress(index)):\(lab.database.port)/\(lab.database.database)?sslmode=disable"
                let process = try lab.start(
                    "worker-\(index)", ChaosLab.workerArguments, inNamespace: hosts.namespace(index), environment: ["DATABASE_URL": url])
                pids[index] = process.pid
            }
            let started = ContinuousClock.now
            try await lab.requestFetch(maximum: scale.memories)
            while let progress = await lab.progress(), progress.stored + progress.processed < scale.memories * 2 / 3 {
                try await Task.sleep(for: .milliseconds(50))
            }
            let victim = try await busiestHost(lab, pids: pids)
            let held = await lab.number("SELECT count(*) FROM jobs j JOIN workers w ON w.id = j.worker_id WHERE j.state = 'running' AND w.pid = \(pids[victim] ?? 0)") ?? 0
            try await hosts.setConnected(victim, false)
            try await Task.sleep(for: Self.outage)
            let rescued = await lab.number("SELECT count(*) FROM jobs j JOIN workers w ON j.errors::text LIKE '%worker ' || w.id || ' stopped heartbeating%' WHERE w.pid = \(pids[victim] ?? 0)") ?? 0
            try await hosts.setConnected(victim, true)
            let settled = try await lab.settle(within: scale.timeout)
            // Once back, the cut-off worker goes on (and finds its late writes fenced off).
            try await Task.sleep(for: .seconds(5))
            var problems: [String] = []
            if let status = lab.process("worker-\(victim)")?.poll() { problems.append("the cut-off worker exited: status \(status)") }
            return try await ChaosResult.measure(
                lab, scenario: ChaosScenario.hostCutOff.rawValue, expected: Set(await lab.simulator.memoryIDs()),
                settled: settled, recovery: nil, started: started,
                faults: "host \(victim) of 3 (holding \(held) running jobs) cut off for \(Self.outage) mid-run, TCP to PostgreSQL; \(rescued) of its jobs rescued by the others, \(scale.memories) memories", problems: problems)
        }
    }

    /// The host whose worker holds the most running jobs (the fetch counts for a hundred).
    private func busiestHost(_ lab: ChaosLab, pids: [Int: pid_t]) async throws -> Int {
        var best = (host: 1, weight: -1)
        for (host, pid) in pids.sorted(by: { $0.key < $1.key }) {
            let weight = await lab.number("""
                SELECT COALESCE(sum(CASE WHEN j.kind = 'fetch' THEN 100 ELSE 1 END), 0)
                FROM jobs j JOIN workers w ON w.id = j.worker_id WHERE j.state = 'running' AND w.pid = \(pid)
                """) ?? 0
            if weight > best.weight { best = (host, weight) }
        }
        return best.host
    }
}
