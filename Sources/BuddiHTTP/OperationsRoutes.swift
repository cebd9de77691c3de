import BuddiPipeline
import Foundation
import Hummingbird
import JobQueue
import PostgresResilience

/// `/health`, `/metrics` and `/openapi.yaml`.
struct OperationsRoutes {
    let dependencies: APIDependencies

    func register(on table: inout RouteTable) {
        let dependencies = dependencies
        table.add(.get, "/health") { _, _ in
            let disk = dependencies.disk()
            do {
                let migrator = try BuddiSchema.migrator(client: dependencies.client, logger: dependencies.logger)
                // Answered within a second whatever the database does: 503 while it does not answer.
                try await withDatabaseDeadline(.milliseconds(800), "the health check") { try await migrator.checkCurrent() }
                // Reads still work on a full disk: serving, but degraded, and saying why.
                return try .json(encoding: HealthReport(
                    status: disk.full ? "degraded" : "ok", database: "reachable", schema: "current", reason: disk.reason, disk: disk))
            } catch {
                let reason = (disk.full ? "the database's disk is full: \(disk.reason ?? ""); " : "") + ErrorSummary.oneLine(error)
                return try .json(encoding: HealthReport(status: "unavailable", reason: reason, disk: disk), status: .serviceUnavailable)
            }
        }
        table.add(.get, "/metrics") { _, _ in
            .prometheus(
                try await ClusterMetrics.render(client: dependencies.client, logger: dependencies.logger)
                    + DiskMetrics.render(dependencies.disk()) + dependencies.processMetrics())
        }
        table.add(.get, "/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: ByteBuffer(string: try OpenAPIDocument.text())))
        }
    }
}

/// What `/health` answers.
struct HealthReport: Encodable {
    var status: String
    var database: String?
    var schema: String?
    var reason: String?
    var disk: DiskCondition
}

/// The OpenAPI document shipped with the server.
package enum OpenAPIDocument {
    /// Its text.
    package static func text() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw APIProblem(.internalServerError, "internal", "openapi.yaml is missing from the bundle")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
