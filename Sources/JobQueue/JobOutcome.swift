import Foundation
/// How one run of a job ended, as the worker records it.
enum JobOutcome: Sendable {
    /// Succeeded, with the handler's result as JSON, if any.
    case completed(resultJSON: String?)
    /// Failed; runs again after `delay`.
    case retry(delay: Duration, error: String)
    /// Failed for good.
    case discarded(error: String)
    /// Stopped by an operator's cancellation.
    case cancelled(reason: String)
    /// Handed back unfinished (worker shutting down): available again, attempt not counted.
    case released
    /// Interrupted by the database, not by the job (its connection was lost, or a crash lost a
    /// checkpoint): available again at once, attempt not counted, resuming from its last
    /// checkpoint; `reason` goes into its error history.
    case resumed(reason: String)
    /// Put off by the handler: available again after `delay`, its attempt not counted.
    case snoozed(delay: Duration)
}

/// A job's outcome, with the attempt it belongs to and the checkpoints that attempt saw (the
/// fences against stale writes and lost work).
struct FinishedJob: Sendable {
    let id: Int64
    let kind: String
    let queue: String
    let attempt: Int32
    let checkpointSequence: Int32
    let outcome: JobOutcome

    /// This outcome with what the database refused to store replaced: a result by a note of
    /// the refusal, NUL in an error text written as `\u0000`.
    func storable(refusedWith reason: String) -> FinishedJob {
        let storable: JobOutcome
        let note = { (text: String) in text.replacingOccurrences(of: "\u{0}", with: "\\u0000") }
        switch outcome {
        case .completed:
            let refusal = String(decoding: (try? JSONEncoder.jobs.encode(["unstorable_result": note(reason)])) ?? Data("{}".utf8), as: UTF8.self)
            storable = .completed(resultJSON: refusal)
        case .retry(let delay, let error): storable = .retry(delay: min(delay, JobLimits.longestDelay), error: note(error))
        case .discarded(let error): storable = .discarded(error: note(error))
        case .cancelled(let reason): storable = .cancelled(reason: note(reason))
        case .released: storable = .released
        case .resumed(let reason): storable = .resumed(reason: note(reason))
        case .snoozed(let delay): storable = .snoozed(delay: min(delay, JobLimits.longestDelay))
        }
        return FinishedJob(id: id, kind: kind, queue: queue, attempt: attempt, checkpointSequence: checkpointSequence, outcome: storable)
    }

    /// The end of its attempt this outcome records, once written (unless the job resumes
    /// instead): nil for a release, a resume or a snooze, which end no attempt.
    var end: JobEnd? {
        guard let state = JobState(rawValue: columns.state), JobEnd.endingStates.contains(state) else { return nil }
        return JobEnd(id: id, kind: kind, queue: queue, state: state, attempt: attempt)
    }

    /// The row values the batch statement writes: state (or `snoozed`), result, error, delay
    /// (ms or -1).
    var columns: (state: String, result: String, error: String, delayMs: Double) {
        switch outcome {
        case .completed(let result): (JobState.completed.rawValue, result ?? "", "", -1)
        case .retry(let delay, let error): (JobState.retryable.rawValue, "", error, delay.inSeconds * 1000)
        case .discarded(let error): (JobState.discarded.rawValue, "", error, -1)
        case .cancelled(let reason): (JobState.cancelled.rawValue, "", reason, -1)
        case .released: (JobState.available.rawValue, "", "", 0)
        case .resumed(let reason): (JobState.available.rawValue, "", reason, 0)
        case .snoozed(let delay): ("snoozed", "", "", delay.inSeconds * 1000)
        }
    }
}
