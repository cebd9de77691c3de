import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import Logging
import PostgresServer
import Testing

/// A long-running process started while its database is down, as systemd restarts one.
@Suite("Started during an outage", .serialized)
struct StartDuringOutageTests {
    @Test("buddi worker started while PostgreSQL is down says so, waits, and starts working once the server is up")
    func workerWaitsForTheServer() async throws {
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        try await withPrivateCluster { cluster in
            try await cluster.start(logger: logger)
            try cluster.stop(mode: .immediate)
            let worker = try BuddiProcess(["worker", "--migrate", "--poll-interval-ms", "200"], databaseURL: cluster.url.redacted)
            defer { worker.signal(SIGKILL) }
            #expect(try await eventually(timeout: .seconds(20)) { worker.output.contains("PostgreSQL is not accepting connections; waiting for it") }, "\(worker.output)")
            try await Task.sleep(for: .seconds(2))
            #expect(worker.output.components(separatedBy: "waiting for it").count == 2, "said once: \(worker.output)")
            try await cluster.start(logger: logger)
            #expect(try await eventually(timeout: .seconds(30)) { worker.output.contains("worker started") }, "\(worker.output)")
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0, "\(worker.output.suffix(2000))")
        }
    }
}
