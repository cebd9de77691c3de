import Foundation
import Logging
import PostgresNIO

/// Reading stored conversations for operators: listings, one conversation, and exports.
public struct Conversations: Sendable {
    /// An export's format.
    public enum ExportFormat: String, Sendable, CaseIterable {
        case jsonl, csv

        /// The response's content type.
        public var contentType: String { self == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson" }
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// How many match, and one page of them as JSON objects, newest memory first.
    public func list(_ filter: ConversationFilter, paging: Paging) async throws -> (total: Int, itemsJSON: [String]) {
        var total = 0
        for try await count in try await client.query(ControlSQL.count(filter), logger: logger).decode(Int64.self) {
            total = Int(count)
        }
        var items: [String] = []
        for try await item in try await client.query(ControlSQL.page(filter, paging: paging), logger: logger).decode(String.self) {
            items.append(item)
        }
        return (total, items)
    }

    /// One conversation as a JSON object, by Buddi id or row id; nil if not stored.
    public func one(_ id: String) async throws -> String? {
        for try await item in try await client.query(ControlSQL.one(id), logger: logger).decode(String.self) { return item }
        return nil
    }

    /// Streams every matching conversation, one line each (after a header line for CSV), to
    /// `write` as the rows arrive from the database, and marks them exported a batch at a time
    /// (on another connection), so no export is ever held in memory. Returns how many rows.
    @discardableResult
    public func export(
        _ filter: ConversationFilter, format: ExportFormat, batchSize: Int = 1000, write: (String) async throws -> Void
    ) async throws -> Int {
        if format == .csv { try await write(ControlSQL.csvColumns.joined(separator: ",") + "\n") }
        var exported = 0
        var batch: [Int64] = []
        var chunk = ""
        try await client.withConnection { connection in
            let rows = try await connection.query(ControlSQL.export(filter, csv: format == .csv), logger: logger)
            for try await (id, line) in rows.decode((Int64, String).self) {
                chunk += line
                chunk += "\n"
                batch.append(id)
                if batch.count == batchSize {
                    try await write(chunk)
                    try await markExported(batch)
                    exported += batch.count
                    chunk = ""
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
        if !batch.isEmpty {
            try await write(chunk)
            try await markExported(batch)
            exported += batch.count
        }
        return exported
    }

    private func markExported(_ ids: [Int64]) async throws {
        try await client.query(ControlSQL.markExported(ids), logger: logger)
    }
}
