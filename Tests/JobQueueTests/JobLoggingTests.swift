import DatabaseTestSupport
@testable import JobQueue
import Logging
import PostgresResilience
import Synchronization
import Testing

/// Collects log records with the metadata their handler would write.
final class CapturedLog: Sendable {
    private let records = Mutex<[(message: String, metadata: [String: String])]>([])

    func append(_ message: String, _ metadata: Logger.Metadata) {
        records.withLock { $0.append((message, metadata.mapValues { "\($0)" })) }
    }

    func metadata(of message: String) -> [String: String]? {
        records.withLock { records in records.first { $0.message == message }?.metadata }
    }
}

/// A handler that writes to a ``CapturedLog``; with `providers`, it takes a metadata provider
/// as swift-log's own handlers do, without, it is one that cannot.
struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    let providers: Bool
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    private var provider: Logger.MetadataProvider?

    init(log: CapturedLog, providers: Bool) {
        self.log = log
        self.providers = providers
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { providers ? provider : nil }
        set { if providers { provider = newValue } }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let provided = provider?.get() ?? [:]
        log.append(event.message.description, metadata.merging(provided) { $1 }.merging(event.metadata ?? [:]) { $1 })
    }
}

@Suite("Job logging")
struct JobLoggingTests {
    @Test("a job's log records carry its id and kind, from its handler and the tasks it starts, with handlers that take a metadata provider and those that do not")
    func jobMetadata() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        for providers in [true, false] {
            let log = CapturedLog()
            let logger = Logger(label: "test") { _ in CapturingLogHandler(log: log, providers: providers) }
            var registry = JobRegistry()
            registry.register(TestArgs.self) { args, context in
                context.logger.info("handler \(args.tag)")
                await Task { context.logger.info("child \(args.tag)") }.value
            }
            let id = try await db.enqueue(TestArgs(tag: "\(providers)"))
            let worker = JobWorker(client: db.client, registry: registry, configuration: testConfiguration(), logger: logger)
            try await withServicesRunning([worker], logger: db.logger) {
                try await expectEventually { try await db.state(id) == .completed }
            }
            for message in ["handler \(providers)", "child \(providers)"] {
                let metadata = log.metadata(of: message)
                #expect(metadata?["job_id"] == "\(id)", "\(message): \(String(describing: metadata))")
                #expect(metadata?["job_kind"] == TestArgs.kind)
                #expect(metadata?["worker_id"] != nil)
            }
            // The worker's own records outside a job carry none.
            #expect(log.metadata(of: "worker started")?["job_id"] == nil)
        }
    }
}
