import BuddiAPI
@testable import BuddiHTTP
import BuddiPipeline
import BuddiTestSupport
import DatabaseTestSupport
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import PostgresResilience
import Synchronization
import PostgresNIO
import Testing

@Suite("webhooks", .serialized)
struct WebhookTests {
    /// A memory in the rich shape, with `id`.
    static func memory(_ id: String, title: String = "Garden plans") -> [UInt8] {
        Array("""
            {"id": "\(id)", "created_at": "2026-12-07T10:00:00Z", "started_at": "2026-12-07T09:50:00Z", "finished_at": "2026-12-07T10:00:00Z",
             "structured": {"title": "\(title)", "overview": "We planned the spring garden and agreed on tomatoes.", "emoji": "🌱",
                            "category": "personal", "action_items": [{"description": "Buy seeds", "completed": false}]},
             "transcript_segments": [{"speaker": "SPEAKER_0", "text": "I love the tomatoes, they are great.", "start": 0, "end": 3.5}],
             "plugins_results": [], "language": "en", "source": "friend", "status": "completed", "discarded": false}
            """.utf8)
    }

    /// Posts `body` as delivery `id`, signed by the reference library with `secret` at `timestamp`.
    static func deliver(
        _ api: APIHarness, id: String, body: [UInt8], secret: WebhookSecret = APIHarness.webhookSecrets[1],
        timestamp: Int64 = Int64(Date().timeIntervalSince1970), signedBody: [UInt8]? = nil, signature: Bool = true
    ) async throws -> APIHarness.Reply {
        var headers = [("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("content-type", "application/json")]
        if signature {
            headers.append(("webhook-signature", try ReferenceWebhookSigner.sign(secret: secret, id: id, timestamp: timestamp, body: signedBody ?? body)))
        }
        return try await api.call(.POST, "/api/webhooks/memories", headers: headers, body: body)
    }

    @Test("the specification's test vector verifies, and buddi signs it the same way")
    func specificationVector() throws {
        let secret = try WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        #expect(WebhookSignature.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body, secret: secret) == expected)
        let headers = WebhookHeaders(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330", signature: "v1,bm90IGl0 " + expected)
        let verifier = WebhookVerifier(secrets: [WebhookSecret.random(), secret])
        #expect(verifier.verify(headers, body: body, now: Date(timeIntervalSince1970: 1_614_265_330 + 299)) == .verified)
        #expect(verifier.verify(headers, body: body, now: Date(timeIntervalSince1970: 1_614_265_330 + 301)) != .verified)
        #expect(WebhookVerifier(secrets: [WebhookSecret.random()]).verify(headers, body: body, now: Date(timeIntervalSince1970: 1_614_265_330)) != .verified)
        #expect("\(secret)" == "<redacted>")
    }

    @Test("BUDDI_WEBHOOK_SECRETS: a secret that is not base64, an empty list or both forms given is refused naming the variable, never showing the secret")
    func badSecrets() throws {
        let good = APIHarness.webhookSecrets[0].text
        for (environment, expected) in [
            (["BUDDI_WEBHOOK_SECRETS": good + ", whsec_not*base64"], "BUDDI_WEBHOOK_SECRETS: secret 2 is not `whsec_` followed by base64"),
            (["BUDDI_WEBHOOK_SECRETS": " , "], "BUDDI_WEBHOOK_SECRETS holds no secret"),
            (["BUDDI_WEBHOOK_SECRETS": good, "BUDDI_WEBHOOK_SECRETS_FILE": "/nonexistent"], "give BUDDI_WEBHOOK_SECRETS or BUDDI_WEBHOOK_SECRETS_FILE, not both"),
            (["BUDDI_WEBHOOK_SECRETS_FILE": "/nonexistent/secrets"], "BUDDI_WEBHOOK_SECRETS_FILE names /nonexistent/secrets, which cannot be read"),
        ] {
            #expect(throws: SecretSettingError.self) { try WebhookSecret.fromEnvironment(environment) }
            do {
                _ = try WebhookSecret.fromEnvironment(environment)
            } catch {
                #expect(error.description.contains(expected), "\(error)")
                #expect(!error.description.contains("not*base64") && !error.description.contains(good.dropFirst(6).prefix(12)), "\(error)")
            }
        }
        #expect(try WebhookSecret.fromEnvironment([:]).isEmpty)
        #expect(try WebhookSecret.fromEnvironment(["BUDDI_WEBHOOK_SECRETS": good + "," + APIHarness.webhookSecrets[1].text]) == APIHarness.webhookSecrets)
    }

    @Test("signed by the reference library: stored analysed and anchored, once per webhook-id; a changed byte, a 6-minute-old timestamp or no signature is a 401 that stores nothing; old and new keys both accepted")
    func signedDeliveries() async throws {
        try await APIHarness.with(adminToken: "admin-token") { api in
            let body = Self.memory("wh-1")
            var changed = body
            changed[changed.firstIndex(of: UInt8(ascii: "G"))!] = UInt8(ascii: "H")
            let now = Int64(Date().timeIntervalSince1970)
            for (name, reply) in [
                ("one byte changed", try await Self.deliver(api, id: "msg_a", body: changed, signedBody: body)),
                ("6 minutes old", try await Self.deliver(api, id: "msg_a", body: body, timestamp: now - 360)),
                ("no webhook-signature", try await Self.deliver(api, id: "msg_a", body: body, signature: false)),
            ] {
                #expect(reply.status == 401, "\(name): \(reply.body)")
                for secret in APIHarness.webhookSecrets {
                    #expect(!reply.body.contains(String(secret.text.dropFirst(6).prefix(12))), "\(name)")
                }
            }
            #expect(try await api.db.scalar("SELECT count(*) FROM conversations", as: Int64.self) == 0)
            #expect(try await api.db.scalar("SELECT count(*) FROM webhook_deliveries", as: Int64.self) == 0)

            // No bearer token: the signature is the authentication.
            let stored = try await Self.deliver(api, id: "msg_a", body: body)
            #expect(stored.status == 200, "\(stored.body)")
            #expect(stored.json["outcome"] as? String == "stored")
            let again = try await Self.deliver(api, id: "msg_a", body: body)
            #expect(again.status == 200)
            #expect(again.json["outcome"] as? String == "duplicate")
            #expect(try await api.db.scalar("SELECT count(*) FROM conversations", as: Int64.self) == 1)
            let row: PostgresQuery = "SELECT source || ' ' || processing_state || ' ' || sentiment_label || ' ' || (fetch_job_id IS NULL) FROM conversations"
            #expect(try await api.db.scalar(row, as: String.self) == "webhook processed positive true")
            #expect(try await api.db.scalar("SELECT count(*) FROM ledger_anchors a JOIN conversations c ON c.anchor_id = a.id AND c.merkle_root = a.merkle_root", as: Int64.self) == 1)
            #expect(try await api.db.scalar("SELECT count(*) FROM ledger_tokens t JOIN conversations c ON c.token_id = t.id", as: Int64.self) == 1)
            let report = try await ConversationVerifier(client: api.db.client, logger: api.db.logger).verify(buddiID: "wh-1")
            #expect(report.checked == 1 && report.problems.isEmpty, "\(report.problems)")
            let shown = try await api.call(.GET, "/conversations/wh-1", headers: [("Authorization", "Bearer admin-token")])
            #expect(shown.json["source"] as? String == "webhook", "\(shown.body)")

            // Rotation: the other key of the list is accepted too; the same memory by another id is a duplicate.
            let old = try await Self.deliver(api, id: "msg_b", body: Self.memory("wh-2"), secret: APIHarness.webhookSecrets[0])
            #expect(old.json["outcome"] as? String == "stored", "\(old.body)")
            let sameMemory = try await Self.deliver(api, id: "msg_c", body: body)
            #expect(sameMemory.json["outcome"] as? String == "duplicate")
            #expect(try await api.db.scalar("SELECT count(*) FROM conversations", as: Int64.self) == 2)
            let metrics = try await api.call(.GET, "/metrics").body
            for line in [#"outcome="unauthorized"} 3"#, #"outcome="stored"} 2"#, #"outcome="duplicate"} 2"#, #"outcome="unavailable"} 0"#] {
                #expect(metrics.contains("buddi_webhook_deliveries_total{" + line), "\(line)")
            }
        }
    }

    @Test("not JSON or not a memory: a 4xx naming what is wrong, recorded once in rejected_memories however often it is retried; over the limit a 413; the svix- headers work too")
    func rejectedDeliveries() async throws {
        let limits = MemoryLimits(maxMemoryBytes: 4096)
        try await APIHarness.with(webhooks: .init(secrets: APIHarness.webhookSecrets, limits: limits)) { api in
            for _ in 0..<3 {
                let reply = try await Self.deliver(api, id: "msg_not_json", body: Array("{\"id\": \"x\",".utf8))
                #expect(reply.status == 400, "\(reply.body)")
                #expect((reply.json["message"] as? String ?? "").contains("not JSON"), "\(reply.body)")
            }
            let noID = try await Self.deliver(api, id: "msg_no_id", body: Array(#"{"title": "no id"}"#.utf8))
            #expect(noID.status == 422)
            #expect((noID.json["message"] as? String ?? "").contains("`id` is missing"), "\(noID.body)")
            #expect(try await api.db.scalar("SELECT count(*) FROM rejected_memories", as: Int64.self) == 2)
            #expect(try await api.db.scalar("SELECT max(times_seen) FROM rejected_memories", as: Int32.self) == 1)
            #expect(try await api.db.scalar("SELECT count(*) FROM rejected_memories WHERE webhook_id = 'msg_not_json' AND fetch_job_id IS NULL", as: Int64.self) == 1)

            let large = Array("{\"id\": \"big\", \"title\": \"\(String(repeating: "a", count: 5000))\"}".utf8)
            let tooLarge = try await Self.deliver(api, id: "msg_big", body: large)
            #expect(tooLarge.status == 413, "\(tooLarge.body)")

            let now = Int64(Date().timeIntervalSince1970)
            let body = Self.memory("svix-1")
            let signature = try ReferenceWebhookSigner.sign(secret: APIHarness.webhookSecrets[0], id: "msg_svix", timestamp: now, body: body)
            let svix = try await api.call(.POST, "/api/webhooks/memories", headers: [
                ("svix-id", "msg_svix"), ("svix-timestamp", String(now)), ("svix-signature", signature)], body: body)
            #expect(svix.json["outcome"] as? String == "stored", "\(svix.body)")
            // The three headers come from one family: a webhook-id does not take an svix- signature.
            let mixed = try await api.call(.POST, "/api/webhooks/memories", headers: [
                ("webhook-id", "msg_svix"), ("webhook-timestamp", String(now)), ("svix-signature", signature)], body: body)
            #expect(mixed.status == 401, "\(mixed.body)")
            #expect(try await api.db.scalar("SELECT count(*) FROM conversations", as: Int64.self) == 1)

            // Seen by operators: the status, the console's overview and fetches pages, the monitoring view.
            let status = try await api.call(.GET, "/api/scheduler/status").json
            let deliveries = (status["last_24h"] as? [String: Any])?["webhook_deliveries"] as? [String: Int]
            #expect(deliveries?["stored"] == 1 && deliveries?["rejected"] == 2 && deliveries?["duplicate"] == 0, "\(String(describing: deliveries))")
            for page in ["/", "/ui/fetches"] {
                let html = try await api.call(.GET, page).body
                #expect(html.contains(#"<span id="webhooks-rejected" class="bad">2</span> rejected"#), "\(page)")
            }
            #expect(try await api.db.scalar("SELECT sum(stored + rejected)::int8 FROM buddi_webhook_deliveries_per_hour", as: Int64.self) == 3)
        }
        try await APIHarness.with(webhooks: nil) { api in
            let reply = try await Self.deliver(api, id: "msg_off", body: Self.memory("off"))
            #expect(reply.status == 404)
        }
    }

    @Test("the database unavailable: a 503 with Retry-After, so that the sender retries")
    func databaseUnavailable() async throws {
        let logger = { var logger = Logger(label: "test"); logger.logLevel = .critical; return logger }()
        let nowhere = PostgresClient.Configuration(host: "127.0.0.1", port: 1, username: "nobody", password: nil, database: "none", tls: .disable)
        let client = DatabaseClient(configuration: nowhere, backgroundLogger: logger)
        let port = Mutex<Int?>(nil)
        let server = APIServer(
            configuration: .init(host: "127.0.0.1", port: 0, webhooks: .init(secrets: APIHarness.webhookSecrets, commitDeadline: .seconds(1))),
            client: client, schedulerDefaults: SchedulerDefaults(), onListening: { bound in port.withLock { $0 = bound } }, logger: logger)
        try await withServicesRunning(client: client, logger: logger) {
            try await withServicesRunning([server], logger: logger) {
                #expect(try await eventually(timeout: .seconds(10)) { port.withLock { $0 } != nil })
                let body = Self.memory("down-1")
                let now = Int64(Date().timeIntervalSince1970)
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port.withLock { $0 } ?? 0)/api/webhooks/memories")
                request.method = .POST
                request.headers.add(name: "webhook-id", value: "msg_down")
                request.headers.add(name: "webhook-timestamp", value: String(now))
                request.headers.add(name: "webhook-signature", value: WebhookSignature.sign(id: "msg_down", timestamp: now, body: body, secret: APIHarness.webhookSecrets[0]))
                request.body = .bytes(ByteBuffer(bytes: body))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                #expect(response.status.code == 503)
                #expect(response.headers.first(name: "Retry-After") == "5")
            }
        }
    }
}
