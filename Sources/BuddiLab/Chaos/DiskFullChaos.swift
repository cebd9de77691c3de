import AsyncHTTPClient
import Foundation
import PostgresServer

/// The disk-full scenario: a cluster of its own on a small filesystem (a tmpfs, which only root
/// can mount), filled by a file a third of the way through an ingest, the file removed a while
/// later; the server started again if it stopped meanwhile, as an operator or systemd would.
struct DiskFullChaos {
    /// The filesystem's size: room for the cluster and the whole ingest, were nothing else on it.
    static let filesystemSize = "3g"
    /// What the filling file leaves free: less than one WAL segment.
    static let leftFree: Int64 = 1 << 20

    let runner: ChaosRunner

    func run() async throws -> ChaosResult {
        let scenario = ChaosScenario.diskFull.rawValue
        guard geteuid() == 0 else { return .skipped(scenario, because: "mounting a tmpfs needs root") }
        let mount = NSTemporaryDirectory() + "buddi-chaos-disk-\(getpid())"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: mount) }
        guard ChildProcess.status(of: ["/bin/mount", "-t", "tmpfs", "-o", "size=\(Self.filesystemSize),mode=755", "tmpfs", mount]) == 0 else {
            return .skipped(scenario, because: "cannot mount a tmpfs at \(mount)")
        }
        defer { _ = ChildProcess.status(of: ["/bin/umount", mount]) }
        let cluster = ChaosCluster(embedded: EmbeddedPostgres(dataDirectory: mount + "/postgres"), logger: runner.cluster.logger)
        try await cluster.start()
        defer { try? cluster.embedded.stop(mode: .immediate) }
        let scale = runner.scale
        return try await ChaosLab.with(
            cluster: cluster, name: scenario, simulator: runner.simulator(memories: scale.memories), logger: cluster.logger
        ) { lab in
            let metricsPort = Int.random(in: 40_001...50_000)
            let cast = try OutageCast(lab, workerOptions: ["--metrics-port", "\(metricsPort)"])
            let started = ContinuousClock.now
            try await lab.requestFetch(maximum: scale.memories)
            try await cast.waitForProgress(scale.memories / 3)
            let filler = mount + "/filler"
            try Self.fill(filler, leaving: Self.leftFree, of: cluster.embedded)
            var gaugeShowedFull = false
            var serverStopped = false
            let full = ContinuousClock.now
            while ContinuousClock.now - full < scale.diskFull {
                if await Self.metrics(port: metricsPort)?.contains("buddi_database_disk_full 1") == true { gaugeShowedFull = true }
                serverStopped = serverStopped || (try? cluster.embedded.status()) == .stopped
                try await Task.sleep(for: .milliseconds(500))
            }
            try FileManager.default.removeItem(atPath: filler)
            if try cluster.embedded.status() == .stopped { try await cluster.start() }
            async let health = cast.healthBack()
            let recovery = try await lab.recoveryTime()
            var problems = await health
            let refusedWorker1 = lab.process("worker-1")?.output.contains("SQLSTATE 53100") ?? false
            if refusedWorker1, !gaugeShowedFull {
                problems.append("worker-1 met SQLSTATE 53100 but its buddi_database_disk_full never showed 1")
            }
            let failed = await lab.number("SELECT count(*) FROM jobs, jsonb_array_elements(errors) AS e WHERE e->>'message' LIKE '%53100%'") ?? -1
            if failed != 0 { problems.append("\(failed) job attempts failed for the full disk (want them paused and resumed)") }
            return try await cast.finish(
                scenario: .diskFull, started: started, recovery: recovery, problems: problems, timeout: scale.timeout,
                faults: "the cluster's \(Self.filesystemSize) tmpfs filled a third of the way through \(scale.memories) memories, freed after "
                    + "\(Int(scale.diskFull.inSeconds)) s; the server \(serverStopped ? "stopped and was started again" : "stayed up")"
                    + (gaugeShowedFull ? ", worker-1's gauge showed it full" : ""))
        }
    }

    /// Writes `path` until the filesystem of `cluster` has only `leaving` bytes free.
    private static func fill(_ path: String, leaving: Int64, of cluster: EmbeddedPostgres) throws {
        guard let free = cluster.freeBytes() else { throw CocoaError(.fileReadUnknown) }
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? handle.close() }
        let chunk = Data(count: 1 << 20)
        var left = free - leaving
        while left > 0 {
            try handle.write(contentsOf: left >= chunk.count ? chunk : chunk.prefix(Int(left)))
            left -= Int64(chunk.count)
        }
    }

    /// A process's metrics, or nil when they cannot be read.
    private static func metrics(port: Int) async -> String? {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)),
              let body = try? await response.body.collect(upTo: 1 << 20)
        else { return nil }
        return String(buffer: body)
    }
}
