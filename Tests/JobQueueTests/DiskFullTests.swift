import DatabaseTestSupport
import Foundation
import JobQueue
import PostgresNIO
import Testing

/// A real server whose disk fills: a tablespace on a small tmpfs, which only root can mount.
@Suite("A full disk")
struct DiskFullTests {
    @Test(
        "an insert on a full disk fails with SQLSTATE 53100, and its one-line summary says the disk is full",
        .enabled(if: geteuid() == 0 && ProcessInfo.processInfo.environment["BUDDI_TEST_DATABASE_URL"] == nil,
                 "mounting a tmpfs needs root, and the server must run on this machine"))
    func diskFullIsNamed() async throws {
        let db = try await TestDatabase.make(schema: [])
        defer { Task { await db.drop() } }
        let directory = NSTemporaryDirectory() + "buddi-full-\(UUID().uuidString.prefix(8).lowercased())"
        let tablespace = "full_" + directory.suffix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        #expect(run("/bin/mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", directory) == 0)
        defer {
            _ = run("/bin/umount", directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
        try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory)
        try await db.execute(PostgresQuery(unsafeSQL: "CREATE TABLESPACE \(tablespace) LOCATION '\(directory)'"))
        try await db.execute(PostgresQuery(unsafeSQL: "CREATE TABLE filler (x text) TABLESPACE \(tablespace)"))
        var failure: (any Error)?
        for _ in 0..<100 where failure == nil {
            do {
                // Random text, so that neither compression nor TOAST outside the tablespace absorbs it.
                try await db.client.query(
                    "INSERT INTO filler SELECT md5(random()::text) || md5(random()::text) FROM generate_series(1, 2000)", logger: db.logger)
            } catch {
                failure = error
            }
        }
        try await db.execute(PostgresQuery(unsafeSQL: "DROP TABLE filler"))
        try await db.execute(PostgresQuery(unsafeSQL: "DROP TABLESPACE \(tablespace)"))
        let error = try #require(failure, "512 KiB never filled")
        #expect((error as? PSQLError)?.serverInfo?[.sqlState] == ErrorSummary.diskFull)
        let line = ErrorSummary.oneLine(error)
        #expect(line.hasPrefix("database: the disk is full: "), "\(line)")
        #expect(line.hasSuffix("(SQLSTATE 53100)"), "\(line)")
    }

    /// Runs `arguments` and returns its exit status.
    private func run(_ arguments: String...) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
