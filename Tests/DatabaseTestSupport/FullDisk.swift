import Foundation
import PostgresNIO
import PostgresServer

/// Whether a full disk can be made here: mounting a tmpfs needs root, and the server must run on
/// this machine.
package let canFillDisk = geteuid() == 0 && ProcessInfo.processInfo.environment["BUDDI_TEST_DATABASE_URL"] == nil

/// Fills a table of `db` on a 512 KiB tmpfs (a tablespace) through `db.client` until the server
/// refuses a write for lack of space, runs `body` with that refusal while the disk is full, then
/// drops the table and the tablespace and unmounts.
package func withFullDisk(_ db: TestDatabase, _ body: (any Error) async throws -> Void) async throws {
    try await withTmpfs(size: "512k") { directory in
        try await fill(db, tablespaceIn: directory, body)
    }
}

/// Runs `body` with a tmpfs of `size` mounted on a new directory under /tmp that the server's
/// user can reach; unmounts and removes it afterwards.
package func withTmpfs(size: String, _ body: (String) async throws -> Void) async throws {
    let directory = NSTemporaryDirectory() + "buddi-full-\(UUID().uuidString.prefix(8).lowercased())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    guard ChildProcess.status(of: ["/bin/mount", "-t", "tmpfs", "-o", "size=\(size),mode=755", "tmpfs", directory]) == 0 else {
        throw FullDiskError(description: "cannot mount a tmpfs at \(directory)")
    }
    defer { _ = ChildProcess.status(of: ["/bin/umount", directory]) }
    try await body(directory)
}

/// Writes a file into `directory` until its filesystem is full.
package func fillUp(_ directory: String) throws {
    let path = directory + "/filler"
    FileManager.default.createFile(atPath: path, contents: nil)
    guard let handle = FileHandle(forWritingAtPath: path) else { throw FullDiskError(description: "cannot write \(path)") }
    defer { try? handle.close() }
    let chunk = Data(count: 64 << 10)
    while (try? handle.write(contentsOf: chunk)) != nil {}
}

private func fill(_ db: TestDatabase, tablespaceIn directory: String, _ body: (any Error) async throws -> Void) async throws {
    let tablespace = "full_" + directory.suffix(8)
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
    do {
        guard let failure else { throw FullDiskError(description: "512 KiB never filled") }
        try await body(failure)
    } catch {
        try? await db.execute(PostgresQuery(unsafeSQL: "DROP TABLE filler"))
        try? await db.execute(PostgresQuery(unsafeSQL: "DROP TABLESPACE \(tablespace)"))
        throw error
    }
    try await db.execute(PostgresQuery(unsafeSQL: "DROP TABLE filler"))
    try await db.execute(PostgresQuery(unsafeSQL: "DROP TABLESPACE \(tablespace)"))
}

/// A full disk could not be made.
package struct FullDiskError: Error, CustomStringConvertible {
    package let description: String
}
