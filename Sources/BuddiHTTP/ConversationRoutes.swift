import BuddiPipeline
import Foundation
import Hummingbird

/// Conversations: listing with filters, one by id, its verification, and the streamed export.
struct ConversationRoutes {
    let dependencies: APIDependencies

    func register(on table: inout RouteTable) {
        let dependencies = dependencies
        let conversations = Conversations(client: dependencies.client, logger: dependencies.logger)
        table.add(.get, "/conversations/") { request, _ in
            let parameters = request.parameters
            let paging = try Paging(parameters: parameters)
            let (total, items) = try await conversations.list(try ConversationFilter(parameters: parameters), paging: paging)
            return .json(#"{"total":\#(total.value),"total_exact":\#(total.exact),"limit":\#(paging.limit),"offset":\#(paging.offset),"items":["#
                + items.joined(separator: ",") + "]}")
        }
        table.add(.get, "/conversations/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let conversation = try await conversations.one(id) else { throw ControlError.notFound(what: "conversation", id: id) }
            return .json(conversation)
        }
        table.add(.get, "/conversations/{id}/verify") { _, context in
            let id = try context.parameters.require("id")
            let report = try await ConversationVerifier(client: dependencies.client, logger: dependencies.logger).verify(buddiID: id)
            guard report.checked > 0 else { throw ControlError.notFound(what: "conversation", id: id) }
            return try .json(encoding: VerificationReply(buddiID: id, verified: report.problems.isEmpty, problems: report.problems))
        }
        let slots = ExportSlots()
        // A read: marks nothing.
        table.add(.get, "/api/conversations/export") { request, _ in
            try export(request, markExported: false, conversations: conversations, slots: slots)
        }
        // The same, marking what it delivers exported (a write: the admin token).
        table.add(.post, "/api/conversations/export") { request, _ in
            let text = request.parameters["mark_exported"] ?? "false"
            guard let mark = Bool(text) else {
                throw ControlError.invalidParameter(name: "mark_exported", value: text, expected: "true or false")
            }
            return try export(request, markExported: mark, conversations: conversations, slots: slots)
        }
    }

    /// Streams the export `request` asks for; refused (429) while ``ExportSlots/limit`` others stream.
    private func export(_ request: Request, markExported: Bool, conversations: Conversations, slots: ExportSlots) throws -> Response {
        let parameters = request.parameters
        let formatName = parameters["format"] ?? "jsonl"
        guard let format = Conversations.ExportFormat(rawValue: formatName) else {
            throw ControlError.invalidParameter(name: "format", value: formatName, expected: Conversations.ExportFormat.allCases.map(\.rawValue).joined(separator: " or "))
        }
        let filter = try ConversationFilter(parameters: parameters)
        guard let lease = slots.take() else {
            var problem = APIProblem(.tooManyRequests, "too_many_exports", "\(ExportSlots.limit) exports are streaming already; try again shortly")
            problem.headers[.retryAfter] = "5"
            throw problem
        }
        // The body holds the lease: the slot is free again once the body is done with or dropped.
        let body = ResponseBody { writer in
            try await stream(filter, format: format, markExported: markExported, conversations: conversations, into: &writer)
            withExtendedLifetime(lease) {}
        }
        var headers: HTTPFields = [.contentType: format.contentType]
        headers[.contentDisposition] = "attachment; filename=\"conversations.\(format.rawValue)\""
        return Response(status: .ok, headers: headers, body: body)
    }

    private func stream(
        _ filter: ConversationFilter, format: Conversations.ExportFormat, markExported: Bool, conversations: Conversations,
        into writer: inout some ResponseBodyWriter
    ) async throws {
        let logger = dependencies.logger
        do {
            let count = try await conversations.export(filter, format: format, markExported: markExported) { text in
                try await writer.write(ByteBuffer(string: text))
            }
            logger.info("export streamed", metadata: ["rows": "\(count)", "format": "\(format.rawValue)", "marked": "\(markExported)"])
        } catch {
            // The status is sent: the client sees a cut-short body; the log says why.
            logger.error("export failed mid-stream", metadata: ["error": "\(String(reflecting: error))"])
            throw error
        }
        try await writer.finish(nil)
    }
}

/// The answer to a verification.
struct VerificationReply: Encodable {
    var buddiID: String
    var verified: Bool
    var problems: [String]

    enum CodingKeys: String, CodingKey {
        case verified, problems
        case buddiID = "buddi_id"
    }
}
