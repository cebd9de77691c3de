import Foundation
import Logging
import PostgresNIO
import PostgresResilience

/// Reading stored conversations for operators: listings, one conversation, and exports.
package struct Conversations: Sendable {
    /// An export's format.
    package enum ExportFormat: String, Sendable, CaseIterable {
        case jsonl, csv

        /// The response's content type.
        package var contentType: String { self == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson" }
    }

    let client: DatabaseClient
    let logger: Logger

    package init(client: DatabaseClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// How many match (counted up to ``BoundedCount/defaultCap``, estimated above), and one page
    /// of them as JSON objects, newest memory first.
    package func list(_ filter: ConversationFilter, paging: Paging) async throws -> (total: BoundedCount, itemsJSON: [String]) {
        let (rows, binds) = ControlSQL.matchingRows(filter)
        let total = try await BoundedCount.count(rows, binds: binds, table: "conversations", client: client, logger: logger)
        var items: [String] = []
        for try await item in try await client.query(ControlSQL.page(filter, paging: paging), logger: logger).decode(String.self) {
            items.append(item)
        }
        return (total, items)
    }

    /// One conversation as a JSON object, by Buddi id or row id; nil if not stored.
    package func one(_ id: String) async throws -> String? {
        for try await item in try await client.query(ControlSQL.one(id), logger: logger).decode(String.self) { return item }
        return nil
    }

    /// Streams every matching conversation, one line each (after a header line for CSV), to
    /// `write` a batch of rows at a time, each batch a statement of its own (keyset paging by row
    /// id), so no export is held in memory and none holds a snapshot or a connection while its
    /// reader is slow. `written` is told each batch's row ids once `write` has taken it. With
    /// `markExported`, each batch is marked `is_exported` then (an export cut short keeps what it
    /// marked: those rows were handed to the connection). Returns how many rows.
    @discardableResult
    package func export(
        _ filter: ConversationFilter, format: ExportFormat, markExported: Bool = false, batchSize: Int = 1000,
        written: ([Int64]) -> Void = { _ in }, write: (String) async throws -> Void
    ) async throws -> Int {
        if format == .csv { try await write(ControlSQL.csvColumns.joined(separator: ",") + "\n") }
        var total = 0
        var after: Int64 = 0
        while true {
            var ids: [Int64] = []
            var chunk = ""
            let query = ControlSQL.export(filter, csv: format == .csv, afterID: after, limit: batchSize)
            for try await (id, line) in try await client.query(query, logger: logger).decode((Int64, String).self) {
                chunk += line
                chunk += "\n"
                ids.append(id)
            }
            guard let last = ids.last else { return total }
            try await write(chunk)
            written(ids)
            if markExported { try await self.markExported(ids) }
            total += ids.count
            after = last
            if ids.count < batchSize { return total }
        }
    }

    /// Marks these rows exported, 10,000 per statement.
    package func markExported(_ ids: [Int64]) async throws {
        for start in stride(from: 0, to: ids.count, by: 10_000) {
            try await client.query(ControlSQL.markExported(Array(ids[start..<min(start + 10_000, ids.count)])), logger: logger)
        }
    }
}
