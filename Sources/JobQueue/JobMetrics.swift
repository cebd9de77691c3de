import Logging
import Metrics

/// The engine's metrics (swift-metrics; exported by whatever backend the process bootstrapped).
enum JobMetrics {
    /// Counts a finished run by kind and outcome, and times it.
    static func recordRun(_ job: ClaimedJob, outcome: JobOutcome, duration: Duration) {
        let dimensions = [("queue", job.queue), ("kind", job.kind), ("outcome", outcome.label)]
        Counter(label: "jobqueue_job_runs_total", dimensions: dimensions).increment()
        Timer(label: "jobqueue_job_duration_seconds", dimensions: [("kind", job.kind)])
            .recordNanoseconds(Int64(duration.inSeconds * 1e9))
    }

    /// Counts outcomes written, jobs resumed because a crash lost part of their work, and
    /// outcomes the fence rejected (their job had been rescued).
    static func recordFlushed(_ batch: [FinishedJob], written: FlushedOutcomes, logger: Logger) {
        Counter(label: "jobqueue_outcomes_recorded_total").increment(by: written.accepted.count)
        if !written.resumed.isEmpty {
            Counter(label: "jobqueue_lost_work_resumed_total").increment(by: written.resumed.count)
            logger.warning(
                "a database crash lost part of these jobs' work; they resume from their last checkpoint",
                metadata: ["job_ids": "\(written.resumed.sorted())"])
        }
        let rejected = batch.filter { !written.accepted.contains($0.id) && !written.resumed.contains($0.id) }
        guard !rejected.isEmpty else { return }
        Counter(label: "jobqueue_outcomes_fenced_total").increment(by: rejected.count)
        logger.warning(
            "outcomes dropped: these jobs were rescued after their lease expired",
            metadata: ["job_ids": "\(rejected.map(\.id))"])
    }
}

extension JobOutcome {
    /// A metric label for the outcome.
    var label: String {
        switch self {
        case .completed: "completed"
        case .retry: "retry"
        case .discarded: "discarded"
        case .cancelled: "cancelled"
        case .released: "released"
        case .resumed: "resumed"
        case .snoozed: "snoozed"
        }
    }
}
