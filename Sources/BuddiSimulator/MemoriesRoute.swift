import BuddiAPI
import Foundation
import Hummingbird
import Logging

/// `GET {basePath}/get_memories`: the contract, with the configured faults injected.
struct MemoriesRoute: Sendable {
    let apiKey: BuddiAPIKey?
    let latency: Duration
    let store: MemoryStore
    let faults: FaultInjector

    func respond(to request: Request, logger: Logger) async throws -> Response {
        if latency > .zero { try await Task.sleep(for: latency) }
        switch await faults.statusFault() {
        case .serverError: return .json(.internalServerError, ["detail": "Internal Server Error"])
        case .rateLimited: return rateLimited()
        default: break
        }
        guard let key = request.headers.first(where: { $0.name.canonicalName == "api-key" })?.value, !key.isEmpty else {
            return .json(.unauthorized, ["detail": "Field required"])
        }
        if let apiKey, key != apiKey.secret { return .json(.unauthorized, ["detail": "Invalid API key"]) }
        let query = request.uri.queryParameters
        guard let limit = query.get("limit").map({ Int($0) }) ?? 1, (1...20).contains(limit) else {
            return .json(.badRequest, ["detail": "limit must be an integer from 1 to 20"])
        }
        var day: BuddiDate?
        if let text = query.get("date") {
            guard let parsed = BuddiDate(text) else {
                return .json(.badRequest, ["detail": "Invalid date format, expected YYYY-MM-DD"])
            }
            day = parsed
        }
        var cursor: PageCursor?
        if let text = query.get("cursor") {
            guard let parsed = PageCursor(text) else { return .json(.badRequest, ["detail": "Invalid cursor"]) }
            cursor = parsed
        }
        let repeatLast = await faults.repeatsLastMemory()
        let page = await store.page(limit: limit, day: day, cursor: cursor, repeatLast: repeatLast)
        if repeatLast, page.next != nil, page.memories.count > 1 { await faults.recordDuplicate() }
        var next = page.next
        if cursor != nil, next != nil, await faults.sticksCursor() { next = cursor }
        // The memories are JSON texts already; the cursor is letters and digits.
        let body = #"{"memories":["# + page.memories.joined(separator: ",") + #"],"next_cursor":"#
            + (next.map { "\"\($0.text)\"" } ?? "null") + "}"
        logger.debug("Served a page", metadata: ["memories": "\(page.memories.count)", "next_cursor": "\(page.next?.text ?? "-")"])
        return await faultyBody(body)
    }

    private func rateLimited() -> Response {
        var response = Response.json(.tooManyRequests, ["detail": "Too Many Requests"])
        if let seconds = faults.plan.retryAfterSeconds { response.headers[.retryAfter] = "\(seconds)" }
        return response
    }

    /// The page as JSON, or stalled, drip-fed, truncated or malformed as the fault plan draws.
    private func faultyBody(_ text: String) async -> Response {
        let headers: HTTPFields = [.contentType: "application/json"]
        let bytes = Array(text.utf8)
        switch await faults.bodyFault() {
        case .stalledBody:
            let stall = faults.plan.stallDuration
            let (head, tail) = (ByteBuffer(bytes: bytes[..<(bytes.count / 2)]), ByteBuffer(bytes: bytes[(bytes.count / 2)...]))
            return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: bytes.count) { writer in
                try await writer.write(head)
                try await Task.sleep(for: stall)
                try await writer.write(tail)
                try await writer.finish(nil)
            })
        case .drippedBody:
            let interval = faults.plan.dripInterval
            return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: bytes.count) { writer in
                for byte in bytes {
                    try await writer.write(ByteBuffer(bytes: [byte]))
                    try await Task.sleep(for: interval)
                }
                try await writer.finish(nil)
            })
        case .truncatedBody:
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes[..<(bytes.count / 2)])))
        case .malformedJSON:
            let repr = text.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "null", with: "None")
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: repr)))
        default:
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}

extension Response {
    /// A JSON response.
    static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: body.jsonText)))
    }
}
