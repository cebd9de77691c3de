import BuddiAPI
import BuddiPipeline
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `POST /api/webhooks/memories`: one memory pushed by a sender, signed as Standard Webhooks
/// specify. Only registered when a secret is configured; its signature is its authentication
/// (the bearer tokens do not apply). The answer comes once the memory, or its rejection, is
/// committed: 200 stored or duplicate, 4xx rejected (the reason named), 401 unauthorized,
/// 413 too large, 503 with Retry-After when the database cannot take it now.
struct WebhookRoutes {
    /// The endpoint's path.
    static let path = "/api/webhooks/memories"
    /// Seconds a sender is told to wait before retrying when the database cannot take a delivery.
    static let retryAfterSeconds = 5

    let intake: WebhookIntake
    let verifier: WebhookVerifier
    let maxBodyBytes: Int
    let logger: Logger

    func register(on table: inout RouteTable) {
        table.add(.post, Self.path) { request, _ in try await deliver(request) }
    }

    private func deliver(_ request: Request) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            // Refused before its signature could be checked: counted by the HTTP metrics only.
            throw APIProblem(
                .contentTooLarge, "memory_too_large",
                "the body is over \(maxBodyBytes) bytes, the most a memory may take (BUDDI_MAX_MEMORY_BYTES)")
        }
        let bytes = Array(buffer: body)
        let headers = Self.webhookHeaders(request.headers)
        if case .refused(let reason) = verifier.verify(headers, body: bytes) {
            intake.count(.unauthorized)
            logger.notice("refused a webhook delivery", metadata: ["reason": "\(reason)"])
            throw APIProblem(.unauthorized, "unauthorized", "the delivery is not signed as expected: \(reason)")
        }
        let receipt = await intake.receive(webhookID: headers.id ?? "", body: bytes)
        switch receipt.outcome {
        case .stored, .duplicate:
            var answer: [String: JSONValue] = ["outcome": .string(receipt.outcome.rawValue)]
            if let buddiID = receipt.buddiID { answer["buddi_id"] = .string(buddiID) }
            return .json(JSONValue.object(answer).jsonText, status: .init(code: receipt.status))
        case .unavailable:
            var problem = APIProblem(.serviceUnavailable, "database_unavailable", receipt.reason ?? "the database is unavailable")
            problem.headers[.retryAfter] = "\(Self.retryAfterSeconds)"
            throw problem
        case .rejected, .unauthorized:
            throw APIProblem(.init(code: receipt.status), "memory_rejected", receipt.reason ?? "the memory cannot be stored")
        }
    }

    /// The three headers, all of one family (`webhook-` unless only `svix-id` is there); several
    /// `…-signature` fields are read as one list.
    static func webhookHeaders(_ fields: HTTPFields) -> WebhookHeaders {
        let svix = !fields.contains { $0.name.canonicalName == WebhookHeaders.idNames[0] }
        let family = svix ? 1 : 0
        func values(_ names: [String]) -> [String] { fields.filter { $0.name.canonicalName == names[family] }.map(\.value) }
        let signatures = values(WebhookHeaders.signatureNames)
        return WebhookHeaders(
            id: values(WebhookHeaders.idNames).first, timestamp: values(WebhookHeaders.timestampNames).first,
            signature: signatures.isEmpty ? nil : signatures.joined(separator: " "))
    }
}

extension APIServer {
    /// Where the webhook endpoint listens, when it is on.
    package static let webhookPath = WebhookRoutes.path
}
