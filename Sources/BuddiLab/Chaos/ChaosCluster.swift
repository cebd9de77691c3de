import PostgresServer
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL server the chaos suite runs against and breaks: an embedded cluster of its
/// own, so that it can crash-restart it (`pg_ctl stop -m immediate`, then start again).
package struct ChaosCluster: Sendable {
    /// The cluster.
    package let embedded: EmbeddedPostgres
    let logger: Logger

    /// The suite's cluster in `embedded`.
    package init(embedded: EmbeddedPostgres, logger: Logger) {
        self.embedded = embedded
        self.logger = logger
    }

    /// Starts the cluster (creating it if needed).
    package func start() async throws {
        try await embedded.start(logger: logger)
    }

    /// Crashes the server (every process quits at once) and starts it again after `downFor`;
    /// returns when it accepts connections again.
    func crashRestart(downFor: Duration = .milliseconds(500)) async throws {
        try embedded.stop(mode: .immediate)
        try await Task.sleep(for: downFor)
        try await embedded.start(logger: logger)
    }

    /// Makes the server listen on TCP at `addresses` too (empty: the unix socket only again),
    /// trusting clients from 10.77.0.0/16 (the chaos hosts); restarts it.
    func listen(onTCP addresses: [String]) async throws {
        let hba = "\(embedded.dataDirectory)/pg_hba.conf"
        let rule = "host all all 10.77.0.0/16 trust"
        if let text = try? String(contentsOfFile: hba, encoding: .utf8), !text.contains(rule), let handle = FileHandle(forWritingAtPath: hba) {
            handle.seekToEndOfFile()
            handle.write(Data("\n# the chaos suite's hosts\n\(rule)\n".utf8))
            try? handle.close()
        }
        let setting = addresses.isEmpty ? "ALTER SYSTEM RESET listen_addresses" : "ALTER SYSTEM SET listen_addresses = '\(addresses.joined(separator: ","))'"
        try await DatabaseProbe.withConnection(embedded.url.with(database: "postgres"), logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: setting), logger: logger)
        }
        try embedded.stop()
        try await embedded.start(logger: logger)
    }

}
