import PostgresResilience
import DatabaseTestSupport
import Foundation
@testable import JobQueue
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Arguments for the test handlers below.
struct TestArgs: JobArgs {
    static let kind = "test.job"
    /// How the handler behaves: "ok", "fail" (while attempt ≤ failUntil), "discard", "retryLater", "sleep",
    /// "snooze" (for its first failUntil runs), "nulResult" (a result PostgreSQL cannot store).
    var mode: String = "ok"
    var failUntil: Int32 = 0
    var sleepMs: Int = 0
    var tag: String = ""
}

/// What the test handler saw: the runs per job id, and cancellations.
final class Runs: Sendable {
    private let state = Mutex<(runs: [Int64: [Int32]], cancelled: Set<Int64>, started: Set<Int64>)>(([:], [], []))

    func started(_ id: Int64) { state.withLock { _ = $0.started.insert(id) } }
    func record(_ id: Int64, attempt: Int32) { state.withLock { $0.runs[id, default: []].append(attempt) } }
    func cancelled(_ id: Int64) { state.withLock { _ = $0.cancelled.insert(id) } }

    func attempts(of id: Int64) -> [Int32] { state.withLock { $0.runs[id] ?? [] } }
    func wasCancelled(_ id: Int64) -> Bool { state.withLock { $0.cancelled.contains(id) } }
    func hasStarted(_ id: Int64) -> Bool { state.withLock { $0.started.contains(id) } }
}

/// A registry whose `test.job` handler behaves as its arguments say and reports to `runs`.
func testRegistry(_ runs: Runs, timeout: Duration = JobRegistry.defaultTimeout) -> JobRegistry {
    var registry = JobRegistry()
    registry.register(TestArgs.self, timeout: timeout) { args, context in
        runs.started(context.jobID)
        runs.record(context.jobID, attempt: context.attempt)
        switch args.mode {
        case "fail" where context.attempt <= args.failUntil:
            throw TestFailure(attempt: context.attempt)
        case "discard":
            throw JobFailure.discard(reason: "not going to get better")
        case "retryLater":
            throw JobFailure.retry(after: .seconds(30), reason: "rate limited")
        case "snooze" where runs.attempts(of: context.jobID).count <= args.failUntil:
            throw JobFailure.snooze(for: .milliseconds(50))
        case "sleep":
            do {
                try await Task.sleep(for: .milliseconds(args.sleepMs))
            } catch {
                runs.cancelled(context.jobID)
                throw error
            }
        default:
            break
        }
        return ["tag": args.mode == "nulResult" ? "bad\u{0}tag" : args.tag, "worker": context.workerID]
    }
    return registry
}

struct TestFailure: Error, CustomStringConvertible {
    let attempt: Int32
    var description: String { "failed on purpose on attempt \(attempt)" }
}

/// Fast settings for tests.
func testConfiguration(
    queue: String = "default", concurrency: Int = 4, pollInterval: Duration = .milliseconds(200),
    lease: Duration = .seconds(5), grace: Duration = .seconds(5)
) -> WorkerConfiguration {
    WorkerConfiguration(
        queues: [queue], concurrency: concurrency, pollInterval: pollInterval, leaseDuration: lease,
        shutdownGrace: grace, backoff: JobBackoff(base: .milliseconds(20), cap: .milliseconds(100)))
}

/// Runs a worker in this process during `body`, then shuts it down gracefully.
func withWorker(
    _ database: TestDatabase, registry: JobRegistry, configuration: WorkerConfiguration,
    _ body: @Sendable () async throws -> Void
) async throws {
    let worker = JobWorker(client: database.client, registry: registry, configuration: configuration, logger: database.logger)
    try await withServicesRunning([worker], logger: database.logger, body)
}

extension TestDatabase {
    var queue: JobQueue { JobQueue(client: client, logger: logger) }

    func enqueue(_ args: TestArgs, queue name: String = "default", maxAttempts: Int32 = 20, uniqueKey: String? = nil) async throws -> Int64 {
        try await queue.enqueue(NewJob(args, queue: name, maxAttempts: maxAttempts, uniqueKey: uniqueKey)).id
    }

    func job(_ id: Int64) async throws -> JobRecord {
        try #require(try await queue.job(id: id))
    }

    func state(_ id: Int64) async throws -> JobState {
        try await job(id).state
    }
}
