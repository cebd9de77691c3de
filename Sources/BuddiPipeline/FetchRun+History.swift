import PostgresResilience
import Foundation
import Logging
import PostgresNIO

extension FetchRun {
    /// A page of the fetches on record, newest request first, and how many there are.
    package static func history(limit: Int, offset: Int, client: DatabaseClient, logger: Logger) async throws -> (runs: [FetchRun], total: Int) {
        var runs: [FetchRun] = []
        for try await row in try await client.query(FetchRunSQL.page(limit: limit, offset: offset), logger: logger) {
            runs.append(try FetchRun(row: row))
        }
        var total = 0
        for try await count in try await client.query("SELECT count(*) FROM fetch_runs", logger: logger).decode(Int64.self) {
            total = Int(count)
        }
        return (runs, total)
    }

    /// The failed API calls by kind (empty when the recorded JSON is not such an object).
    package var apiErrors: [String: Int] {
        (try? JSONDecoder().decode([String: Int].self, from: Data(apiErrorsJSON.utf8))) ?? [:]
    }
}
