import DatabaseTestSupport
import Foundation
import Logging
import PostgresServer
import Testing

/// The embedded cluster on a filesystem with no space left.
@Suite("Embedded cluster on a full disk", .serialized)
struct FullDiskClusterTests {
    @Test(
        "a cluster that cannot start for lack of space says the disk is full, and starts once space is freed",
        .enabled(if: canFillDisk, "mounting a tmpfs needs root, and the server must run on this machine"))
    func cannotStartForLackOfSpace() async throws {
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        try await withTmpfs(size: "160m") { mount in
            let cluster = EmbeddedPostgres(dataDirectory: mount + "/postgres")
            defer { try? cluster.stop(mode: .immediate) }
            try await cluster.start(logger: logger)
            // As a crash would: the next start must recover, and write.
            try cluster.stop(mode: .immediate)
            try fillUp(mount)
            #expect(cluster.isOutOfSpace)
            let error = await #expect(throws: DatabaseError.self) { try await cluster.start(logger: logger) }
            #expect(error?.description.contains("the disk is full") == true, "\(String(describing: error))")
            try FileManager.default.removeItem(atPath: mount + "/filler")
            try await cluster.start(logger: logger)
            #expect(try cluster.status() == .running)
        }
    }
}
