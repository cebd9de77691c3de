import Foundation
import Logging
import PostgresNIO
import PostgresResilience

/// Keeps a worker's row in `workers` fresh and extends the leases of its running jobs, in one
/// statement each per beat. A job whose lease is gone (rescued elsewhere) is stopped, and so is
/// one an operator asked to cancel.
struct WorkerHeartbeat: Sendable {
    let client: DatabaseClient
    let configuration: WorkerConfiguration
    let running: RunningJobs
    let logger: Logger

    /// Adds this worker to `workers`.
    func register() async throws {
        try await client.query(
            JobSQL.registerWorker(
                id: configuration.workerID, host: ProcessInfo.processInfo.hostName,
                pid: ProcessInfo.processInfo.processIdentifier, queues: configuration.queues,
                concurrency: Int32(configuration.concurrency)),
            logger: logger)
    }

    /// Removes this worker from `workers` (clean exit).
    func deregister() async {
        let (client, id, logger) = (client, configuration.workerID, logger)
        do {
            try await withDatabaseDeadline(.seconds(5), "deregistering the worker") {
                try await client.execute(JobSQL.deregisterWorker(id: id), logger: logger)
            }
        } catch {
            logger.warning("could not remove this worker from the workers table", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// Beats until cancelled. When no beat has got through for a whole lease, the leases of the
    /// running jobs have expired and other workers may hold them: those jobs are stopped rather
    /// than finished by a worker that no longer owns them.
    func run() async {
        var lastBeat = ContinuousClock.now
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.heartbeatInterval)
                let beat = self.beat
                try await withDatabaseDeadline(configuration.heartbeatInterval, "the heartbeat") { try await beat() }
                lastBeat = .now
            } catch is CancellationError {
                return
            } catch {
                logger.warning("heartbeat failed; leases may expire if this persists", metadata: ["error": "\(ErrorSummary.oneLine(error))"])
                // By the next beat the leases will have run out: stop now, before a rescued copy runs.
                if ContinuousClock.now - lastBeat >= configuration.leaseDuration - configuration.heartbeatInterval { stopUnownedJobs() }
            }
        }
    }

    /// Stops every running job: their leases have run out without a beat.
    private func stopUnownedJobs() {
        for id in running.ids where running.stop(id: id, reason: .leaseLost) {
            logger.error("no heartbeat got through for a whole lease; stopped a job whose lease has expired", metadata: ["job_id": "\(id)"])
        }
    }

    @Sendable private func beat() async throws {
        var alive = false
        for try await _ in try await client.query(JobSQL.workerHeartbeat(id: configuration.workerID), logger: logger) {
            alive = true
        }
        if !alive {
            logger.warning("this worker had been taken for dead; registering again")
            try await register()
        }
        let ids = running.ids
        guard !ids.isEmpty else { return }
        let query = JobSQL.extendLeases(
            ids: ids, workerID: configuration.workerID, leaseSeconds: configuration.leaseDuration.inSeconds)
        var held = Set<Int64>()
        for (id, cancelRequested) in try await ExtendLeasesStatement(query: query).rows(on: client, configuration.statements, logger: logger) {
            held.insert(id)
            if cancelRequested { running.stop(id: id, reason: .cancelledByOperator) }
        }
        if !held.isEmpty { configuration.testSignals?.leasesExtended.raise() }
        for id in ids where !held.contains(id) {
            // Finished meanwhile (no longer tracked) or rescued: only a job still running is stopped.
            if running.stop(id: id, reason: .leaseLost) {
                logger.warning("lost the lease of a running job; stopped it", metadata: ["job_id": "\(id)"])
            }
        }
    }
}
