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
}

/// A job's outcome, with the attempt it belongs to (the fence against stale writes).
struct FinishedJob: Sendable {
    let id: Int64
    let attempt: Int32
    let outcome: JobOutcome

    /// The row values the batch statement writes: state, result, error, delay (ms or -1).
    var columns: (state: JobState, result: String, error: String, delayMs: Double) {
        switch outcome {
        case .completed(let result): (.completed, result ?? "", "", -1)
        case .retry(let delay, let error): (.retryable, "", error, delay.inSeconds * 1000)
        case .discarded(let error): (.discarded, "", error, -1)
        case .cancelled(let reason): (.cancelled, "", reason, -1)
        case .released: (.available, "", "", 0)
        }
    }
}
