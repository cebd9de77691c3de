import PostgresResilience
import AsyncHTTPClient
import BuddiAPI
import BuddiHTTP
import BuddiPipeline
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import JobQueue
import NIOCore
import NIOHTTP1
import Synchronization

/// The HTTP API running in-process on a free loopback port, over a fresh test database.
struct APIHarness: Sendable {
    let db: TestDatabase
    let base: String
    let routes: [APIRoute]

    /// Runs `body` with the server up; drops the database afterwards.
    /// The webhook endpoint is on, with ``webhookSecrets``, unless `webhooks` says otherwise.
    static func with(
        adminToken: String? = nil, readToken: String? = nil, webhooks: APIServer.WebhookSettings? = APIServer.WebhookSettings(secrets: webhookSecrets),
        _ body: @Sendable (APIHarness) async throws -> Void
    ) async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let port = Mutex<Int?>(nil)
        let server = APIServer(
            configuration: .init(host: "127.0.0.1", port: 0, access: APIAccess(adminToken: adminToken, readToken: readToken), webhooks: webhooks),
            client: db.client,
            schedulerDefaults: SchedulerDefaults(), onListening: { bound in port.withLock { $0 = bound } }, logger: db.logger)
        try await withServicesRunning([server], logger: db.logger) {
            guard try await eventually(timeout: .seconds(10), { port.withLock { $0 } != nil }), let bound = port.withLock({ $0 }) else {
                throw HarnessError.notListening
            }
            try await body(APIHarness(db: db, base: "http://127.0.0.1:\(bound)", routes: server.routes))
        }
    }

    /// The secrets the endpoint accepts by default: the specification's example and another.
    static let webhookSecrets = [try! WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), WebhookSecret.random()]

    /// One request (with `form` as a urlencoded body, or `body` as it is, if given); the whole body as text.
    func call(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], form: String? = nil, body: [UInt8]? = nil,
        followRedirects: Bool = true
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await (followRedirects ? HTTPClient.shared : Self.withoutRedirects).execute(request, timeout: .seconds(60))
        var body = ""
        var parts = 0
        for try await part in response.body {
            parts += 1
            body += String(buffer: part)
        }
        return Reply(status: Int(response.status.code), headers: response.headers, body: body, parts: parts)
    }

    /// A client that hands back a redirect instead of following it.
    private static let withoutRedirects = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        /// How many pieces the body arrived in.
        var parts: Int

        /// The body as a JSON object.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    enum HarnessError: Error { case notListening }
}
