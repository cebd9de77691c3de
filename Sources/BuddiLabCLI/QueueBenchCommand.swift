import BuddiRuntime
import BuddiLab
import ArgumentParser
import Foundation
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle

/// `buddi-lab bench queue`: throughput (claim → complete) and pick-up latency of the queue engine.
struct QueueBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Enqueue N no-op jobs, drain them with W workers, and measure pick-up latency.",
        discussion: """
            Throughput: N jobs are enqueued first, then W workers (each claiming --batch at a time, \
            running up to 2×batch at once, completing in batches) drain them; jobs/s is N over the \
            time from the workers' start until every outcome is recorded. Pick-up latency, measured \
            first: on an idle queue, 1,000 jobs one after another, from just before the enqueue \
            call to the handler's start (so it includes the insert, the commit, the NOTIFY and the \
            claim), and from the enqueue's commit.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "How many no-op jobs to drain.")
    var jobs = 50_000

    @Option(help: "How many workers drain them (in this process, sharing one connection pool).")
    var workers = 4

    @Option(help: "Jobs per claim.")
    var batch = 100

    @OptionGroup var completion: CompletionDelayOption

    @Option(help: "How many sequential jobs measure the pick-up latency.")
    var pickupJobs = 1000

    @Flag(help: "Also run the raw-SQL loop (claim 50 with FOR UPDATE SKIP LOCKED, complete with one UPDATE … = ANY, 4 connections) on a scratch table in the same database, and time the bare INSERT+COMMIT round trip.")
    var baseline = false

    @Option(help: "Trace the engine, sampling this ratio of jobs (0 to 1), exporting over OTLP/HTTP to a sink in this process (off by default).")
    var traceRatio: Double?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
        try completion.check(against: WorkerConfiguration())
        if pickupJobs < 1 { throw ValidationError("--pickup-jobs must be at least 1") }
        if let traceRatio, !(0...1).contains(traceRatio) { throw ValidationError("--trace-ratio must be from 0 to 1, got \(traceRatio)") }
    }

    func run() async throws {
        guard let traceRatio else { return try await measure().print(json: json) }
        let sink = OTLPSink()
        var report = try await sink.withRunning(logger: BuddiLogging.quiet) { endpoint in
            // Every OpenTelemetry SDK reads these; the bench's jobs are enqueued untraced, so each
            // attempt is a root span, sampled at the ratio.
            setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, 1)
            setenv("OTEL_TRACES_SAMPLER", "traceidratio", 1)
            setenv("OTEL_TRACES_SAMPLER_ARG", "\(traceRatio)", 1)
            return try await BuddiTracing.run(serviceName: "buddi-lab", logger: BuddiLogging.quiet) { try await measure() }
        }
        (report.traceRatio, report.traceExports, report.traceExportBytes) = (traceRatio, sink.received.exports, sink.received.bytes)
        try report.print(json: json)
    }

    private func measure() async throws -> QueueBenchReport {
        let logger = BuddiLogging.quiet
        return try await database.withDatabase(logger: logger) { client, _ in
            let bar = TerminalProgress("drained", unit: "jobs")
            defer { bar.finish() }
            return try await QueueBenchmark(
                client: client, logger: logger, jobs: jobs, workers: workers, batch: batch,
                completionDelay: completion.delay, pickupJobs: pickupJobs, baseline: baseline,
                progress: { bar.update($0, of: $1) }
            ).run()
        }
    }
}
