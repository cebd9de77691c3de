import BuddiPipeline
import Foundation
import Hummingbird
import JobQueue

/// `/api/jobs`: listing with filters, one job, retry and cancel; `/api/queues`: list, pause and
/// resume; and `/api/rejected-memories`,
/// the memories fetch jobs could not store.
struct JobRoutes {
    let dependencies: APIDependencies

    func register(on table: inout RouteTable) {
        let queue = Pipeline.queue(client: dependencies.client, logger: dependencies.logger)
        table.add(.get, "/api/jobs") { request, _ in
            let parameters = request.parameters
            let paging = try Paging(parameters: parameters)
            let state = try jobState(parameters)
            let jobs = try await queue.list(state: state, kind: parameters["kind"], queue: parameters["queue"], limit: paging.limit, offset: paging.offset)
            return try .json(encoding: JobList(items: jobs.map(JobView.init), limit: paging.limit, offset: paging.offset))
        }
        table.add(.get, "/api/rejected-memories") { request, _ in
            let page = try await RejectedMemoryPage.read(
                paging: try Paging(parameters: request.parameters), client: dependencies.client, logger: dependencies.logger)
            return try .json(encoding: page)
        }
        table.add(.get, "/api/jobs/{id}") { _, context in
            let id = try jobID(context)
            guard let job = try await queue.job(id: id) else { throw JobQueueError.jobNotFound(id) }
            return try .json(encoding: JobView(job))
        }
        table.add(.post, "/api/jobs/{id}/retry") { _, context in
            let id = try jobID(context)
            try await queue.retry(id: id)
            return try .json(encoding: JobReply(message: "job \(id) will run again", jobID: id))
        }
        table.add(.get, "/api/queues") { _, _ in
            try .json(encoding: QueueList(items: try await queue.queues()))
        }
        table.add(.post, "/api/queues/{queue}/pause") { _, context in
            let name = try queueName(context)
            try await queue.pause(queue: name)
            return try .json(encoding: QueueReply(message: "queue \(name) paused", queue: name, paused: true))
        }
        table.add(.post, "/api/queues/{queue}/resume") { _, context in
            let name = try queueName(context)
            try await queue.resume(queue: name)
            return try .json(encoding: QueueReply(message: "queue \(name) resumed", queue: name, paused: false))
        }
        table.add(.post, "/api/jobs/{id}/cancel") { _, context in
            let id = try jobID(context)
            let state = try await queue.cancel(id: id)
            let message = state == .running ? "job \(id) is running; its worker will stop it" : "job \(id) cancelled"
            return try .json(encoding: JobReply(message: message, jobID: id, state: state.rawValue))
        }
    }
}

/// The answer to an action on a job.
struct JobReply: Encodable {
    var message: String
    var jobID: Int64
    var state: String?

    enum CodingKeys: String, CodingKey {
        case message, state
        case jobID = "job_id"
    }
}

/// The answer to pausing or resuming a queue.
struct QueueReply: Encodable {
    var message: String
    var queue: String
    var paused: Bool
}

/// Every queue.
struct QueueList: Encodable {
    var items: [QueueSummary]
}

/// A page of jobs.
struct JobList: Encodable {
    var items: [JobView]
    var limit: Int
    var offset: Int
}

/// The `state` parameter, if given: a job state, else a 422 naming the states.
func jobState(_ parameters: [String: String]) throws -> JobState? {
    guard let text = parameters["state"] else { return nil }
    guard let state = JobState(rawValue: text) else {
        throw ControlError.invalidParameter(name: "state", value: text, expected: "one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return state
}

/// The path's job id: a whole number, else a 422 naming it.
func jobID(_ context: BasicRequestContext) throws -> Int64 {
    let text = try context.parameters.require("id")
    guard let id = Int64(text) else { throw ControlError.invalidParameter(name: "id", value: text, expected: "a job id (a whole number)") }
    return id
}

private func queueName(_ context: BasicRequestContext) throws -> String {
    let name = try context.parameters.require("queue")
    guard QueueName.problem(name) == nil else {
        throw ControlError.invalidParameter(name: "queue", value: name, expected: "a queue name of 1 to \(QueueName.maxBytes) bytes")
    }
    return name
}
