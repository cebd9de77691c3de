import Crypto
import Foundation

/// One schema migration: an `NNNN_name.sql` file.
public struct Migration: Sendable, Equatable {
    /// NNNN.
    public let version: Int
    /// The file name without `.sql`, e.g. `0001_baseline`.
    public let name: String
    /// The file's text.
    public let sql: String
    /// SHA-256 of the file, hex.
    public let checksum: String

    /// A migration from a file name and its text.
    public init(fileName: String, sql: String) throws(MigrationError) {
        guard fileName.hasSuffix(".sql") else { throw .invalidMigration(file: fileName, reason: "must end in .sql") }
        let name = String(fileName.dropLast(4))
        let digits = name.prefix { $0.isNumber }
        guard digits.count == 4, let version = Int(digits), name.dropFirst(4).first == "_", name.count > 5 else {
            throw .invalidMigration(file: fileName, reason: "must be named NNNN_name.sql (four digits, underscore, name)")
        }
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The migrations in a directory (its `*.sql` files, not those of subdirectories), in
    /// order; version numbers must be unique.
    public static func load(directory: String) throws(MigrationError) -> [Migration] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        } catch {
            throw .invalidMigration(file: directory, reason: "cannot list: \(error.localizedDescription)")
        }
        var migrations: [Migration] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(file)") else {
                throw .invalidMigration(file: file, reason: "cannot read")
            }
            let migration = try Migration(fileName: file, sql: String(decoding: data, as: UTF8.self))
            if let previous = migrations.last, previous.version == migration.version {
                throw .invalidMigration(file: file, reason: "version \(migration.version) is also used by \(previous.name)")
            }
            migrations.append(migration)
        }
        return migrations
    }
}
