import BuddiPipeline
import Foundation
import Hummingbird

/// The original's `/api/scheduler/…` endpoints, same names and semantics, over the shared
/// settings: any `buddi serve` controls the scheduler replicas wherever they run.
struct SchedulerRoutes {
    let dependencies: APIDependencies

    func register(on table: inout RouteTable) {
        let dependencies = dependencies
        table.add(.get, "/api/scheduler/status") { _, _ in
            var status = try await ClusterStatus.read(client: dependencies.client, settings: dependencies.settings, logger: dependencies.logger)
            status.databaseDisk = dependencies.disk()
            return try .json(encoding: status)
        }
        table.add(.post, "/api/scheduler/start") { _, _ in
            let settings = try await dependencies.settings.setEnabled(true)
            return try .json(encoding: SchedulerReply(message: "Scheduler started", settings: settings))
        }
        table.add(.post, "/api/scheduler/stop") { _, _ in
            let settings = try await dependencies.settings.setEnabled(false)
            return try .json(encoding: SchedulerReply(message: "Scheduler stopped", settings: settings))
        }
        table.add(.post, "/api/scheduler/config") { request, _ in
            let parameters = request.parameters
            let hours = try integer(parameters, "fetch_interval_hours")
            let max = try integer(parameters, "max_conversations_per_fetch")
            guard hours != nil || max != nil else {
                throw APIProblem(.unprocessableContent, "invalid_parameter", "give fetch_interval_hours and/or max_conversations_per_fetch")
            }
            let settings = try await dependencies.settings.configure(fetchIntervalHours: hours, maxConversationsPerFetch: max)
            return try .json(encoding: SchedulerReply(message: "Configuration updated", settings: settings))
        }
        table.add(.post, "/api/scheduler/fetch") { request, _ in
            let parameters = request.parameters
            let fetch = try ManualFetch(
                maxConversations: try integer(parameters, "max_conversations"), date: parameters["date"],
                since: parameters["since"], until: parameters["until"])
            let force = try boolean(parameters, "force") ?? false
            let jobID = try await dependencies.requests.requestManual(fetch, force: force)
            return try .json(encoding: JobReply(message: "Fetch enqueued", jobID: jobID), status: .accepted)
        }
    }
}

/// The answer to start, stop and config: what happened, and the settings now (`is_running` as
/// the original named `enabled`).
struct SchedulerReply: Encodable {
    var message: String
    var isRunning: Bool
    var fetchIntervalHours: Int
    var maxConversationsPerFetch: Int

    init(message: String, settings: SchedulerSettings) {
        self.message = message
        isRunning = settings.enabled
        fetchIntervalHours = settings.fetchIntervalHours
        maxConversationsPerFetch = settings.maxConversationsPerFetch
    }

    enum CodingKeys: String, CodingKey {
        case message
        case isRunning = "is_running"
        case fetchIntervalHours = "fetch_interval_hours"
        case maxConversationsPerFetch = "max_conversations_per_fetch"
    }
}

/// An optional whole-number parameter; present but not a number is a 422 naming it.
func integer(_ parameters: [String: String], _ name: String) throws -> Int? {
    guard let text = parameters[name] else { return nil }
    guard let value = Int(text) else { throw ControlError.invalidParameter(name: name, value: text, expected: "a whole number") }
    return value
}

/// An optional boolean parameter (`true`/`false`/`1`/`0`).
func boolean(_ parameters: [String: String], _ name: String) throws -> Bool? {
    guard let text = parameters[name] else { return nil }
    switch text.lowercased() {
    case "true", "1", "yes": return true
    case "false", "0", "no": return false
    default: throw ControlError.invalidParameter(name: name, value: text, expected: "true or false")
    }
}
