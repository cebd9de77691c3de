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
    /// `write` a batch of rows at a time as they arrive from the database, so no export is ever
    /// held in memory; only their ids are kept. Once the whole export is written the rows are
    /// marked exported (a batch per statement, on another connection); an export cut short
    /// marks nothing. Returns how many rows.
    @discardableResult
    public func export(
        _ filter: ConversationFilter, format: ExportFormat, batchSize: Int = 1000, write: (String) async throws -> Void
    ) async throws -> Int {
        if format == .csv { try await write(ControlSQL.csvColumns.joined(separator: ",") + "\n") }
        var ids: [Int64] = []
        var chunk = ""
        var rowsInChunk = 0
        try await client.withConnection { connection in
            let rows = try await connection.query(ControlSQL.export(filter, csv: format == .csv), logger: logger)
            for try await (id, line) in rows.decode((Int64, String).self) {
                chunk += line
                chunk += "\n"
                ids.append(id)
                rowsInChunk += 1
                if rowsInChunk == batchSize {
                    try await write(chunk)
                    chunk = ""
                    rowsInChunk = 0
                }
            }
        }
        if !chunk.isEmpty { try await write(chunk) }
        for start in stride(from: 0, to: ids.count, by: 10_000) {
            try await markExported(Array(ids[start..<min(start + 10_000, ids.count)]))
        }
        return ids.count
    }

    private func markExported(_ ids: [Int64]) async throws {
        try await client.query(ControlSQL.markExported(ids), logger: logger)
    }
}
