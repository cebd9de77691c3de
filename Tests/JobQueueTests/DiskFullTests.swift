import DatabaseTestSupport
import Foundation
import JobQueue
import PostgresNIO
import PostgresResilience
import Testing

/// A real server whose disk fills: a tablespace on a small tmpfs, which only root can mount.
@Suite("A full disk")
struct DiskFullTests {
    @Test(
        "an insert on a full disk fails with SQLSTATE 53100, its one-line summary says the disk is full, and so does the client that met it",
        .enabled(if: canFillDisk, "mounting a tmpfs needs root, and the server must run on this machine"))
    func diskFullIsNamed() async throws {
        let db = try await TestDatabase.make(schema: [])
        defer { Task { await db.drop() } }
        try await withFullDisk(db) { error in
            #expect((error as? PSQLError)?.serverInfo?[.sqlState] == DiskCondition.diskFullState)
            let line = ErrorSummary.oneLine(error)
            #expect(line.hasPrefix("database: the disk is full: "), "\(line)")
            #expect(line.hasSuffix("(SQLSTATE 53100)"), "\(line)")
            let disk = db.client.disk
            #expect(disk.full)
            #expect(disk.reason?.contains("SQLSTATE 53100") == true, "\(String(describing: disk.reason))")
        }
    }
}
