import Logging
import PostgresResilience
import PostgresServer
import ServiceLifecycle

/// Tells whether the database's disk is full: from what this process's calls met (SQLSTATE
/// 53100) and, for the embedded cluster, from the space left on its filesystem. As
/// a service it logs when the disk fills and when it has space again.
///
/// ```swift
/// let watch = DiskWatch(client: client, cluster: database.embedded, logger: logger)
/// try await withServicesRunning([watch] + services, client: client, logger: logger) { … }
/// ```
package struct DiskWatch: Service {
    /// How often the disk is looked at. Defaults to 2 seconds.
    package static let intervalDefault: Duration = .seconds(2)

    let client: DatabaseClient
    let cluster: EmbeddedPostgres?
    let logger: Logger

    /// A watch over `client`'s calls and, when given, the embedded `cluster`'s disk.
    package init(client: DatabaseClient, cluster: EmbeddedPostgres?, logger: Logger) {
        self.client = client
        self.cluster = cluster
        self.logger = logger
    }

    /// The disk now. (An embedded cluster that stopped for lack of space has less than
    /// ``EmbeddedPostgres/lowestFreeBytes`` free until space is freed, and then starts again.)
    package func condition() -> DiskCondition {
        var condition = client.disk
        guard let cluster else { return condition }
        condition.freeBytes = cluster.freeBytes()
        if !condition.full, let free = condition.freeBytes, free < EmbeddedPostgres.lowestFreeBytes {
            condition.full = true
            condition.reason = "\(free / 1024) KiB free on the filesystem of the embedded cluster (\(cluster.dataDirectory))"
        }
        return condition
    }

    /// Looks every ``intervalDefault`` until graceful shutdown, and logs each change.
    package func run() async {
        await cancelWhenGracefulShutdown {
            var wasFull = false
            while !Task.isCancelled {
                let now = condition()
                if now.full != wasFull {
                    if now.full {
                        logger.error("the database's disk is full: writes fail until space is freed", metadata: ["reason": "\(now.reason ?? "")"])
                    } else {
                        logger.info("the database's disk has space again")
                    }
                    wasFull = now.full
                }
                try? await Task.sleep(for: Self.intervalDefault)
            }
        }
    }
}
