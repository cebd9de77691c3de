import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import JobQueue
import Logging
import PostgresNIO
import PostgresResilience
import PostgresServer
import Testing

/// The embedded cluster under real `buddi` processes, with nobody running a command.
@Suite("Embedded cluster supervision", .serialized)
struct ClusterSupervisionTests {
    /// Probe job arguments, as the `buddi` binary's probe handler reads them.
    private struct Probe: JobArgs {
        static let kind = "probe"
    }

    @Test("the embedded cluster stopped under a running worker is started again by the worker, which says why it stopped and goes on working")
    func stoppedClusterComesBack() async throws {
        try await withPrivateCluster { cluster in try await stoppedClusterComesBack(cluster) }
    }

    private func stoppedClusterComesBack(_ cluster: EmbeddedPostgres) async throws {
        let worker = try BuddiProcess(
            ["worker", "--poll-interval-ms", "200"], databaseURL: nil, environment: ["BUDDI_DATA_DIR": cluster.dataDirectory])
        #expect(try await eventually(timeout: .seconds(60)) { worker.output.contains("worker started") }, "\(worker.output)")

        // As a crash would: every server process gone at once. Only the worker is left to notice.
        try cluster.stop(mode: .immediate)
        #expect(try await eventually { worker.output.contains("started the embedded PostgreSQL cluster again") }, "\(worker.output)")
        #expect(worker.output.contains("the embedded PostgreSQL cluster has stopped"))
        #expect(worker.output.contains("server_log="), "the server log's last lines are shown")
        #expect(try cluster.status() == .running)

        // A job enqueued now is run by that same worker.
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let client = DatabaseClient(configuration: cluster.url.clientConfiguration(limits: SessionLimits(statementTimeoutMs: 10_000)), backgroundLogger: logger)
        try await withServicesRunning(client: client, logger: logger) {
            let id = try await JobQueue(client: client, logger: logger).enqueue(NewJob(Probe())).id
            let done = try await eventually {
                try await client.query("SELECT count(*) FROM jobs WHERE id = \(id) AND state = 'completed'", logger: logger)
                    .decode(Int64.self).first { _ in true } == 1
            }
            #expect(done, "\(worker.output.suffix(2000))")
        }
        worker.signal(SIGTERM)
        #expect(try await worker.wait() == 0, "\(worker.output.suffix(2000))")
    }
}
