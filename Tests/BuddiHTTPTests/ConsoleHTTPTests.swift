import BuddiTestSupport
import Crypto
import DatabaseTestSupport
import Foundation
import Testing

/// The console's pages over plain HTTP: its headers, sessions, CSRF and bad input (what a browser
/// does with them is in BuddiConsoleTests).
@Suite("Console over HTTP", .serialized)
struct ConsoleHTTPTests {
    /// The `name=value` of a Set-Cookie header.
    private static func cookie(_ reply: APIHarness.Reply) -> String? {
        reply.headers["Set-Cookie"].first.map { String($0.prefix { $0 != ";" }) }
    }

    /// The CSRF token in a page's forms.
    private static func csrf(_ page: String) -> String? {
        guard let range = page.range(of: #"name="csrf" value=""#) else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test("without tokens: every page is HTML under a CSP without unsafe-inline, the session cookie is HttpOnly and SameSite=Strict (Secure behind TLS), and a form without its CSRF token is refused")
    func openConsole() async throws {
        try await APIHarness.with { api in
            try await api.db.insertConversations(3)
            let page = try await api.call(.GET, "/")
            #expect(page.status == 200)
            #expect(page.headers["Content-Type"].first?.hasPrefix("text/html") == true)
            let policy = try #require(page.headers["Content-Security-Policy"].first)
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), "\(policy)")
            #expect(page.body.contains(#"<p class="figure" id="conversations-total">3</p>"#), "\(page.body)")
            let set = try #require(page.headers["Set-Cookie"].first)
            #expect(set.contains("HttpOnly") && set.contains("SameSite=Strict") && !set.contains("Secure"), "\(set)")
            let behindTLS = try await api.call(.GET, "/", headers: [("X-Forwarded-Proto", "https")])
            #expect(behindTLS.headers["Set-Cookie"].first?.contains("; Secure") == true)

            let session = try #require(Self.cookie(page))
            let token = try #require(Self.csrf(try await api.call(.GET, "/ui/fetches", headers: [("Cookie", session)]).body))
            let forged = try await api.call(.POST, "/ui/scheduler/stop", headers: [("Cookie", session)], form: "csrf=forged", followRedirects: false)
            #expect(forged.status == 403)
            let stop = try await api.call(.POST, "/ui/scheduler/stop", headers: [("Cookie", session)], form: "csrf=\(token)&back=/ui/fetches", followRedirects: false)
            #expect(stop.status == 303)
            #expect(stop.headers["Location"].first == "/ui/fetches?notice=Scheduling%20stopped")
            #expect(try await api.db.scalar("SELECT enabled FROM scheduler_settings", as: Bool.self) == false)
            // A filter form sends its blank fields too: blank is "any".
            for path in ["/ui/fetches", "/ui/jobs", "/ui/jobs?state=&kind=&queue=", "/ui/workers", "/ui/conversations",
                         "/ui/conversations?q=&sentiment=&topic=&min_quality=&since=&until=", "/ui/analytics", "/assets/console.css", "/assets/console.js"] {
                let reply = try await api.call(.GET, path, headers: [("Cookie", session)])
                #expect(reply.status == 200, "\(path): \(reply.status)")
            }
        }
    }

    @Test("bad input on a page or a form is answered with the page and a message naming what was wrong, and nothing changes")
    func badInput() async throws {
        try await APIHarness.with { api in
            let session = try #require(Self.cookie(try await api.call(.GET, "/")))
            for (path, status, named) in [
                ("/ui/jobs?state=bogus", 422, "state must be one of"), ("/ui/conversations?min_quality=5", 422, "min_quality must be"),
                ("/ui/jobs/99999", 404, "99999"), ("/ui/conversations/nope", 404, "no conversation nope"), ("/ui/fetches?limit=0", 422, "limit must be"),
            ] {
                let reply = try await api.call(.GET, path, headers: [("Cookie", session)])
                #expect(reply.status == status, "\(path): \(reply.status)")
                #expect(reply.body.contains(named) && reply.body.contains("<main"), "\(path): \(reply.body)")
            }
            let token = try #require(Self.csrf(try await api.call(.GET, "/ui/fetches", headers: [("Cookie", session)]).body))
            let before = try await api.db.scalar("SELECT fetch_interval_hours FROM scheduler_settings", as: Int32.self)
            for (form, message) in [
                ("fetch_interval_hours=abc", "fetch_interval_hours must be a whole number, got &#39;abc&#39;"),
                ("fetch_interval_hours=30", "fetch_interval_hours"), ("max_conversations_per_fetch=0", "max_conversations_per_fetch"),
            ] {
                let reply = try await api.call(.POST, "/ui/settings", headers: [("Cookie", session)], form: "csrf=\(token)&" + form, followRedirects: false)
                #expect(reply.status == 422, "\(form): \(reply.status)")
                let field = form.prefix { $0 != "=" }
                #expect(reply.body.contains(#"id="\#(field)-error""#) && reply.body.contains(message), "\(form): \(reply.body)")
            }
            #expect(try await api.db.scalar("SELECT fetch_interval_hours FROM scheduler_settings", as: Int32.self) == before)
            let fetch = try await api.call(.POST, "/ui/fetch", headers: [("Cookie", session)], form: "csrf=\(token)&back=/ui/fetches&max_conversations=lots", followRedirects: false)
            #expect(fetch.status == 303)
            #expect(fetch.headers["Location"].first?.contains("error=max_conversations%20must%20be%20a%20whole%20number") == true, "\(fetch.headers)")
            #expect(try await api.db.scalar("SELECT count(*) FROM jobs WHERE kind = 'fetch'", as: Int64.self) == 0)
        }
    }

    @Test("with tokens: pages send to the login, a wrong token is a 403 with the form again, the read token's session cannot act, and a session is no bearer token for the API")
    func protectedConsole() async throws {
        try await APIHarness.with(adminToken: "admin-secret", readToken: "read-secret") { api in
            let page = try await api.call(.GET, "/ui/jobs?state=completed", followRedirects: false)
            #expect(page.status == 303)
            #expect(page.headers["Location"].first == "/login?next=/ui/jobs%3Fstate%3Dcompleted")
            let wrong = try await api.call(.POST, "/login", form: "token=nope&next=/", followRedirects: false)
            #expect(wrong.status == 403)
            #expect(wrong.headers["Set-Cookie"].isEmpty)
            let reader = try await api.call(.POST, "/login", form: "token=read-secret&next=/ui/fetches", followRedirects: false)
            #expect(reader.status == 303 && reader.headers["Location"].first == "/ui/fetches")
            let session = try #require(Self.cookie(reader))
            #expect(!session.contains("read-secret"))
            let fetches = try await api.call(.GET, "/ui/fetches", headers: [("Cookie", session)])
            #expect(fetches.status == 200 && fetches.body.contains("read-only"))
            let token = try #require(Self.csrf(fetches.body))
            let refused = try await api.call(.POST, "/ui/scheduler/stop", headers: [("Cookie", session)], form: "csrf=\(token)", followRedirects: false)
            #expect(refused.status == 403)
            #expect(try await api.db.scalar("SELECT count(*) FROM scheduler_settings WHERE NOT enabled", as: Int64.self) == 0)
            #expect(try await api.call(.GET, "/api/jobs", headers: [("Cookie", session)]).status == 401, "a console session is not an API token")
            let tampered = session.replacingOccurrences(of: "buddi_session=reader", with: "buddi_session=admin")
            #expect(try await api.call(.GET, "/", headers: [("Cookie", tampered)], followRedirects: false).status == 303, "a cookie edited to say admin is no session")
        }
    }

    @Test("no way off the site through next or back (//host, a tab or a backslash), no answer to a name rebound to loopback, an HTML 404 under /ui/, and logout only with its CSRF token")
    func redirectsAndHosts() async throws {
        try await APIHarness.with { api in
            for next in ["//evil.example", "/%09/evil.example", "/%0A/evil.example", "/%5Cevil.example", "https://evil.example", "/ok%20no"] {
                let reply = try await api.call(.GET, "/login?next=\(next)", followRedirects: false)
                #expect(reply.status == 303 && reply.headers["Location"].first == "/", "\(next): \(reply.headers)")
            }
            #expect(try await api.call(.GET, "/login?next=/ui/jobs%3Fstate%3Dcompleted", followRedirects: false).headers["Location"].first == "/ui/jobs?state=completed")
            let rebound = try await api.call(.GET, "/", headers: [("Host", "evil.example:8000")], followRedirects: false)
            #expect(rebound.status == 421 && rebound.headers["Set-Cookie"].isEmpty, "\(rebound.status)")
            let page = try await api.call(.GET, "/", headers: [("Host", "localhost:8000")])
            #expect(page.status == 200)
            let session = try #require(Self.cookie(page))
            let token = try #require(Self.csrf(try await api.call(.GET, "/ui/fetches", headers: [("Cookie", session)]).body))
            let missing = try await api.call(.GET, "/ui/nothing/here", headers: [("Cookie", session)])
            #expect(missing.status == 404 && missing.body.contains("No console page at /ui/nothing/here"), "\(missing.body)")
            // A failed action goes back to its form's page: never off the site.
            let back = try await api.call(
                .POST, "/ui/fetch", headers: [("Cookie", session)], form: "csrf=\(token)&max_conversations=lots&back=/%09/evil.example", followRedirects: false)
            #expect(back.headers["Location"].first?.hasPrefix("/?error=max_conversations") == true, "\(back.headers)")
            #expect(try await api.call(.POST, "/logout", headers: [("Cookie", session)], form: "csrf=forged", followRedirects: false).status == 403)
            let out = try await api.call(.POST, "/logout", headers: [("Cookie", session)], form: "csrf=\(token)", followRedirects: false)
            #expect(out.status == 303 && out.headers["Set-Cookie"].first?.contains("Max-Age=0") == true)
        }
    }

    @Test("with only a read token, a cookie signed as admin with the key its holder can derive is no session")
    func readOnlyCannotForgeAdmin() async throws {
        let read = "only-read-token"
        try await APIHarness.with(readToken: read) { api in
            // What a reader knows: the key is made from the tokens' digests alone.
            var material = Data("buddi console sessions v1".utf8)
            material.append(contentsOf: Array("admin:".utf8) + Array("read:".utf8) + Array(SHA256.hash(data: Data(read.utf8))))
            let key = SymmetricKey(data: SHA256.hash(data: material))
            let body = "admin.\(Int(Date().timeIntervalSince1970) + 3600).00"
            let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key).map { String(format: "%02x", $0) }.joined()
            let reader = try #require(Self.cookie(try await api.call(.POST, "/login", form: "token=\(read)", followRedirects: false)))
            let readerValue = String(reader.dropFirst("buddi_session=".count))
            let signedLikeReader = readerValue.split(separator: ".")
            let rebuilt = signedLikeReader[0...2].joined(separator: ".")
            let readerMAC = HMAC<SHA256>.authenticationCode(for: Data(rebuilt.utf8), using: key).map { String(format: "%02x", $0) }.joined()
            #expect(readerMAC == String(signedLikeReader[3]), "the test derives the key as the server does")
            let forged = try await api.call(.GET, "/ui/fetches", headers: [("Cookie", "buddi_session=\(body).\(mac)")], followRedirects: false)
            #expect(forged.status == 303 && forged.headers["Location"].first?.hasPrefix("/login") == true, "a forged admin session was accepted")
        }
    }
}
