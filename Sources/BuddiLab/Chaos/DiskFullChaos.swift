import AsyncHTTPClient
import Foundation
import PostgresServer

/// The disk-full scenario: a cluster of its own on a small filesystem (a tmpfs, which only root
/// can mount; a file takes all but 16 MiB and ``headroomPerMemory`` per memory of it), which the ingest fills
/// about a third of the way through. It is kept full a while (what the server frees is taken
/// again), then the file is removed, and the server started again if it stopped meanwhile, as an
/// operator or systemd would.
struct DiskFullChaos {
    /// The filesystem's size: room for the cluster and the whole ingest, were nothing else on it.
    static let filesystemSize = "3g"
    /// Space left per memory to ingest: about a third of what one takes (WAL, row and indexes).
    static let headroomPerMemory: Int64 = 6 << 10

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
        // WAL segments past a checkpoint are recycled, not removed: the server frees no space by itself.
        try await DatabaseProbe.withConnection(cluster.embedded.url, logger: cluster.logger) { connection in
            try await connection.query("ALTER SYSTEM SET min_wal_size = '1GB'", logger: cluster.logger)
            try await connection.query("SELECT pg_reload_conf()", logger: cluster.logger)
        }
        let scale = runner.scale
        return try await ChaosLab.with(
            cluster: cluster, name: scenario, simulator: runner.simulator(memories: scale.memories), logger: cluster.logger
        ) { lab in
            let metricsPort = Int.random(in: 40_001...50_000)
            let cast = try OutageCast(lab, workerOptions: ["--metrics-port", "\(metricsPort)"])
            let filler = mount + "/filler"
            // Full is below a WAL segment's worth: the server cannot make a new one.
            try Self.fill(filler, leaving: EmbeddedPostgres.lowestFreeBytes + Int64(scale.memories) * Self.headroomPerMemory, of: cluster.embedded)
            let started = ContinuousClock.now
            try await lab.requestFetch(maximum: scale.memories)
            while (cluster.embedded.freeBytes() ?? 0) >= EmbeddedPostgres.lowestFreeBytes, ContinuousClock.now - started < scale.timeout,
                !(await lab.isSettled())
            {
                try await Task.sleep(for: .milliseconds(50))
            }
            let storedAtFull = await lab.progress()
            var gaugeShowedFull = false
            var serverStopped = false
            let full = ContinuousClock.now
            var round = 0
            while ContinuousClock.now - full < scale.diskFull {
                if (cluster.embedded.freeBytes() ?? 0) > 0 { try Self.fill(filler, of: cluster.embedded) }
                round += 1
                if round % 10 == 0 {
                    if await Self.metrics(port: metricsPort)?.contains("buddi_database_disk_full 1") == true { gaugeShowedFull = true }
                    serverStopped = serverStopped || (try? cluster.embedded.status()) == .stopped
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let storedAtFree = await lab.progress()
            try FileManager.default.removeItem(atPath: filler)
            if try cluster.embedded.status() == .stopped { try await cluster.start() }
            async let health = cast.healthBack()
            let recovery = try await lab.recoveryTime()
            var problems = await health
            if !gaugeShowedFull, !serverStopped { problems.append("the disk never showed full: neither the gauge nor a stopped server") }
            let refusedWorker1 = lab.process("worker-1")?.output.contains("SQLSTATE 53100") ?? false
            if refusedWorker1, !gaugeShowedFull {
                problems.append("worker-1 met SQLSTATE 53100 but its buddi_database_disk_full never showed 1")
            }
            let failed = await lab.number("SELECT count(*) FROM jobs, jsonb_array_elements(errors) AS e WHERE e->>'message' LIKE '%53100%'") ?? -1
            if failed != 0 { problems.append("\(failed) job attempts failed for the full disk (want them paused and resumed)") }
            return try await cast.finish(
                scenario: .diskFull, started: started, recovery: recovery, problems: problems, timeout: scale.timeout,
                faults: "the cluster's \(Self.filesystemSize) tmpfs, filled by a file but for 16 MiB and \(Self.headroomPerMemory >> 10) KiB a memory, full during an ingest of \(scale.memories) memories and kept so "
                    + "\(Int(scale.diskFull.inSeconds)) s (stored/processed \(Self.counts(storedAtFull)) when full, \(Self.counts(storedAtFree)) when freed); "
                    + "the server \(serverStopped ? "stopped and was started again" : "stayed up")"
                    + (gaugeShowedFull ? ", worker-1's gauge showed it full" : ""))
        }
    }

    /// Grows `path` until the filesystem of `cluster` has only `leaving` bytes free (none by
    /// default), allocating at once: writing would take seconds while the server goes on writing.
    private static func fill(_ path: String, leaving: Int64 = 0, of cluster: EmbeddedPostgres) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(descriptor) }
        // Steps halve down to a page where the space is not there: the server takes some meanwhile.
        var wanted = off_t(max((cluster.freeBytes() ?? 0) - leaving, 0))
        var step = wanted
        while step >= 4096 {
            if posix_fallocate(descriptor, lseek(descriptor, 0, SEEK_END), step) != 0 {
                step /= 2
            } else if leaving > 0 {
                wanted -= step
                step = min(step, wanted)
            }
        }
    }

    /// Stored and processed counts for people.
    private static func counts(_ progress: (stored: Int, processed: Int)?) -> String {
        progress.map { "\($0.stored)/\($0.processed)" } ?? "unknown (server down)"
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
