import PostgresResilience
import BuddiPipeline
import Foundation
import JobQueue
import Logging
import PostgresNIO

/// Follows a fetch to the end: its job until it has finished, then the processing of the
/// conversations it stored until every one is processed or failed (a fetch stores them
/// processed; only what 0.1.0 left pending waits for process jobs). Reports each change.
struct FetchFollower {
    let client: DatabaseClient
    let logger: Logger

    /// A follower reading through `client`.
    init(client: DatabaseClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Returns the fetch job's record; throws naming the job's state and last error when it did
    /// not complete. `progress` is told, at every look, how many of the stored conversations are
    /// done (processed or failed) and how many there are.
    func follow(_ jobID: Int64, report: (String) -> Void, progress: (Int, Int) -> Void = { _, _ in }) async throws -> JobRecord {
        let record = try await waitUntilFinished(jobID) { record in
            report("fetch job \(record.id): \(record.state.rawValue), attempt \(record.attempt)")
        }
        guard record.state == .completed else {
            throw FetchFollowFailure(description: "fetch job \(record.id) \(record.state.rawValue): \(record.errors.last?.message ?? "no error recorded")")
        }
        let stored = try record.resultJSON.map { try JSONDecoder().decode(FetchResult.self, from: Data($0.utf8)).new } ?? 0
        var last: FetchProcessing?
        while true {
            let processing = try await FetchProcessing.of(fetchJob: jobID, stored: stored, client: client, logger: logger)
            progress(processing.processed + processing.failed, processing.stored)
            if processing != last {
                report("processed \(processing.processed) of \(processing.stored) new conversations, \(processing.failed) failed")
                last = processing
            }
            if processing.isDone { return record }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Polls the job every 200 ms, reporting each change of state or attempt.
    private func waitUntilFinished(_ id: Int64, onChange: (JobRecord) -> Void) async throws -> JobRecord {
        let queue = Pipeline.queue(client: client, logger: logger)
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

/// A fetch that did not end well, said in one line.
struct FetchFollowFailure: Error, CustomStringConvertible {
    let description: String
}
