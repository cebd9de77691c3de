import Tracing

/// The engine's spans, after the OpenTelemetry messaging conventions: a producer span around
/// each enqueue, whose context the jobs carry (``JobTraceContext``), and a consumer span around
/// each attempt, a child of it for a first attempt and the root of a new trace linked to it for
/// a retry or a job that ran much later. Without a bootstrapped tracer neither is started.
enum JobSpans {
    /// How long after its enqueue a first attempt may start and still be a child of the
    /// enqueuer's span; a later one (a scheduled job, a long backlog) begins a trace of its own,
    /// linked, rather than stretching the enqueuer's trace over the wait. Defaults to 1 minute.
    static let childWindowDefault: Duration = .seconds(60)

    /// Whether a tracer is bootstrapped; without one the engine starts no span and stores no context.
    static var isTracing: Bool { !(InstrumentationSystem.tracer is NoOpTracer) }

    /// Runs `body` with the trace context the jobs are to carry: that of a producer span when
    /// the caller is traced, nil (and no span) when it is not.
    static func enqueuing<Result>(_ jobs: [NewJob], _ body: (String?) async throws -> Result) async throws -> Result {
        guard isTracing, let caller = ServiceContext.current, let first = jobs.first else { return try await body(nil) }
        let oneKind = jobs.allSatisfy { $0.kind == first.kind }
        return try await withSpan(oneKind ? "enqueue \(first.kind)" : "enqueue", context: caller, ofKind: .producer) { span in
            if span.isRecording {
                span.attributes["messaging.system"] = "job_queue"
                span.attributes["messaging.operation.type"] = "send"
                span.attributes["messaging.batch.message_count"] = jobs.count
                span.attributes["job.queue"] = first.queue
                if oneKind { span.attributes["job.kind"] = first.kind }
            }
            return try await body(JobTraceContext.encode(span.context))
        }
    }

    /// Starts the span of `job`'s attempt, related to its enqueuer as the type's doc says; nil
    /// without a tracer.
    static func start(_ job: ClaimedJob, childWindow: Duration = childWindowDefault) -> (any Span)? {
        guard isTracing else { return nil }
        let enqueuer = JobTraceContext.decode(job.traceContext)
        let isChild = job.attempt == 1 && job.enqueuedSecondsAgo <= childWindow.inSeconds
        let span = startSpan("process \(job.kind)", context: isChild ? enqueuer ?? .topLevel : .topLevel, ofKind: .consumer)
        guard span.isRecording else { return span }
        if let enqueuer, !isChild { span.addLink(SpanLink(context: enqueuer, attributes: [:])) }
        span.attributes["messaging.system"] = "job_queue"
        span.attributes["messaging.operation.type"] = "process"
        span.attributes["messaging.destination.name"] = job.queue
        span.attributes["job.id"] = job.id
        span.attributes["job.kind"] = job.kind
        span.attributes["job.queue"] = job.queue
        span.attributes["job.attempt"] = Int64(job.attempt)
        return span
    }

    /// Ends an attempt's span with its outcome (nil: its lease was lost); nothing if it has ended.
    static func end(_ span: (any Span)?, outcome: JobOutcome?) {
        guard let span else { return }
        if span.isRecording {
            span.attributes["job.outcome"] = outcome?.label ?? "lease_lost"
            switch outcome {
            case .retry(_, let error)?, .discarded(let error)?:
                span.setStatus(SpanStatus(code: .error, message: error))
            case nil:
                span.setStatus(SpanStatus(code: .error, message: "the job's lease was lost"))
            default:
                break
            }
        }
        span.end()
    }
}
