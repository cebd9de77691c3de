import BuddiPipeline
import Foundation
import JobQueue
import Logging
import PostgresNIO

/// Follows a fetch to the end: its job until it has finished, then the processing of the
/// conversations it stored until every one is processed or failed (or no process job is left to
/// do it). Reports each change.
struct FetchFollower {
    let client: PostgresClient
    let logger: Logger

    /// Returns the fetch job's record; throws naming the job's state and last error when it did
    /// not complete.
    func follow(_ jobID: Int64, report: (String) -> Void) async throws -> JobRecord {
        let record = try await waitUntilFinished(jobID) { record in
            report("fetch job \(record.id): \(record.state.rawValue), attempt \(record.attempt)")
        }
        guard record.state == .completed else {
            throw CLIError(description: "fetch job \(record.id) \(record.state.rawValue): \(record.errors.last?.message ?? "no error recorded")")
        }
        let stored = try record.resultJSON.map { try JSONDecoder().decode(FetchResult.self, from: Data($0.utf8)).new } ?? 0
        var last: FetchProcessing?
        while true {
            // Looked at before the counts: when no process job was left then, the counts are final.
            let canContinue = try await processingCanContinue()
            let processing = try await FetchProcessing.of(fetchJob: jobID, stored: stored, client: client, logger: logger)
            if processing != last {
                report("processed \(processing.processed) of \(processing.stored) new conversations, \(processing.failed) failed")
                last = processing
            }
            if processing.isDone { return record }
            guard canContinue else {
                let pending = processing.stored - processing.processed - processing.failed
                throw CLIError(description: """
                    \(pending) conversation(s) of fetch job \(jobID) are still pending but no process job is left to \
                    process them (see `buddi jobs list --kind process --state discarded`)
                    """)
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Whether a process job is still waiting, running or due for a retry (a cancelled or
    /// discarded one leaves its conversations pending for good).
    private func processingCanContinue() async throws -> Bool {
        try await client.withConnection { connection in
            try await JobQueue(client: client, logger: logger).oldestUnfinished(kind: ProcessArgs.kind, on: connection) != nil
        }
    }

    /// Polls the job every 200 ms, reporting each change of state or attempt.
    private func waitUntilFinished(_ id: Int64, onChange: (JobRecord) -> Void) async throws -> JobRecord {
        let queue = JobQueue(client: client, logger: logger)
        var last: (JobState, Int32)?
        while true {
            guard let record = try await queue.job(id: id) else { throw JobQueueError.jobNotFound(id) }
            if last.map({ $0 != (record.state, record.attempt) }) ?? true {
                onChange(record)
                last = (record.state, record.attempt)
            }
            if record.state.isFinished { return record }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
