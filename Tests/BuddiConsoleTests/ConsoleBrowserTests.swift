import BrowserTestSupport
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import Testing

/// The operator's console in headless Chromium, over real processes and a real database.
@Suite("Console in a real browser", .serialized)
struct ConsoleBrowserTests {
    static let xssTitle = "<img src=x onerror=alert(1)>"

    @Test("every page renders the database's real figures; a memory titled with markup shows as text and runs nothing; the overview updates itself")
    func pagesRenderRealData() async throws {
        try await ConsoleHarness.with { console in
            try await console.db.execute("""
                INSERT INTO conversations (buddi_id, raw, title, summary, processing_state)
                VALUES ('xss-1', '{"id": "xss-1"}', \(Self.xssTitle), '<script>alert(2)</script>', 'pending')
                """)
            try await console.logIn(ConsoleHarness.adminToken)
            #expect(try await console.browser.currentURL() == console.base + "/")
            let total = ConsoleHarness.memories + 1
            #expect(try await console.text("#conversations-total") == "\(total)")
            #expect(try await console.text("#conversations-processed") == "\(ConsoleHarness.memories)")
            #expect(try await console.text("#scheduling") == "on")
            #expect(try await console.text("#queue-completed") == "\(try await console.db.scalar("SELECT count(*) FROM jobs WHERE state = 'completed'", as: Int64.self)!)")
            #expect(try await console.browser.count("#overview-charts svg rect") > 0, "the throughput charts have columns")

            try await console.open("/ui/fetches")
            #expect(try await console.browser.count("#fetch-history tbody tr") == 1)
            #expect(try await console.text("#fetch-history tbody tr").contains("succeeded"))

            try await console.open("/ui/jobs?state=completed&kind=fetch")
            #expect(try await console.browser.count("#job-list tbody tr") == 1)
            try await console.open("/ui/jobs/1")
            #expect(try await console.text("#job-state") == "completed")
            #expect(try await console.browser.visibleText().contains("memories_seen"), "the job's result is shown")

            try await expectEventually(timeout: .seconds(30), "the worker shows up") {
                try await console.open("/ui/workers")
                return try await console.browser.count("#workers tbody tr") == 1
            }

            try await console.open("/ui/conversations?sentiment=positive")
            let positive = try await console.db.scalar("SELECT count(*) FROM conversations WHERE sentiment_label = 'positive'", as: Int64.self)!
            #expect(try await console.text("#conversations-matching") == "\(positive)")
            let processed = try #require(try await console.db.scalar("SELECT buddi_id FROM conversations WHERE processing_state = 'processed' ORDER BY id LIMIT 1", as: String.self))
            try await console.open("/ui/conversations/\(processed)")
            #expect(try await console.text("#verification").hasPrefix("verified"))
            #expect(try await console.browser.count("#proofs tbody tr") == 15, "a proof for each covered field")
            #expect(try await console.text("#anchor-id") != "—")

            try await console.open("/ui/analytics")
            #expect(try await console.browser.count("#analytics svg") == 4)

            // Markup from a memory is text, in the listing and on its page.
            for path in ["/ui/conversations?q=onerror", "/ui/conversations/xss-1"] {
                try await console.open(path)
                #expect(try await console.browser.alertText() == nil, "an alert opened on \(path)")
                #expect(try await console.browser.count("img, main script") == 0, "markup from a memory became elements on \(path)")
                #expect(try await console.browser.visibleText().contains(Self.xssTitle), "the title is not shown as text on \(path)")
            }
            #expect(try await console.text("#summary") == "<script>alert(2)</script>")

            // Open on the overview, a new conversation shows up without navigating.
            try await console.open("/")
            try await console.db.execute("INSERT INTO conversations (buddi_id, raw) VALUES ('live-1', '{\"id\": \"live-1\"}')")
            try await expectEventually(timeout: .seconds(20), "the overview did not update itself") {
                try await console.text("#conversations-total") == "\(total + 1)"
            }
            #expect(try await console.browser.currentURL() == console.base + "/")
        }
    }

    @Test("from the pages: a manual fetch runs and shows in the history, a discarded job retried runs again, stop and start flip scheduling, 30 hours is refused beside the field")
    func actions() async throws {
        try await ConsoleHarness.with { console in
            try await console.logIn(ConsoleHarness.adminToken, next: "/ui/fetches")
            try await console.click("#force")
            try await console.submit("#fetch-now")
            let notice = try await console.text("#flash")
            let fetch = try #require(Int64(notice.replacingOccurrences(of: "Fetch enqueued as job ", with: "")), "\(notice)")
            try await expectEventually(timeout: .seconds(60), "the manual fetch did not succeed") {
                try await console.db.scalar("SELECT outcome FROM fetch_runs WHERE job_id = \(fetch) AND trigger = 'manual'", as: String.self) == "succeeded"
            }
            try await console.open("/ui/fetches")
            #expect(try await console.browser.count("#fetch-history tbody tr") == 2, "the demo's fetch and this one")
            let newest = try await console.text("#fetch-history tbody tr")
            #expect(newest.hasPrefix("\(fetch) manual") && newest.contains("succeeded"), "\(newest)")

            let job = try #require(try await console.db.scalar(
                "INSERT INTO jobs (kind, state, attempt, max_attempts, finished_at) VALUES ('probe', 'discarded', 3, 3, now()) RETURNING id", as: Int64.self))
            try await console.open("/ui/jobs/\(job)")
            #expect(try await console.text("#job-state") == "discarded")
            try await console.submit("#job-retry")
            #expect(try await console.text("#flash") == "Job \(job) will run again")
            try await expectEventually(timeout: .seconds(30), "the retried job did not run") {
                try await console.db.scalar("SELECT state::text FROM jobs WHERE id = \(job)", as: String.self) == "completed"
            }
            try await console.open("/ui/jobs/\(job)")
            #expect(try await console.text("#job-state") == "completed")

            try await console.open("/ui/fetches")
            try await console.submit("#scheduler-stop")
            #expect(try await console.text("#flash") == "Scheduling stopped")
            #expect(try await console.db.scalar("SELECT enabled FROM scheduler_settings", as: Bool.self) == false)
            try await console.submit("#scheduler-start")
            #expect(try await console.db.scalar("SELECT enabled FROM scheduler_settings", as: Bool.self) == true)
            #expect(try await console.browser.count("#scheduler-stop") == 1)

            try await console.browser.type("30", into: try await console.browser.element("#fetch_interval_hours"))
            try await console.submit("#settings-save")
            let error = try await console.text("#fetch_interval_hours-error")
            #expect(error.contains("fetch_interval_hours") && error.contains("30"), "\(error)")
            #expect(try await console.db.scalar("SELECT fetch_interval_hours FROM scheduler_settings", as: Int32.self) == 2, "nothing changed")
            try await console.browser.type("3", into: try await console.browser.element("#fetch_interval_hours"))
            try await console.submit("#settings-save")
            #expect(try await console.text("#flash") == "Settings saved")
            #expect(try await console.db.scalar("SELECT fetch_interval_hours FROM scheduler_settings", as: Int32.self) == 3)
        }
    }

    @Test("with tokens set, pages send to the login; the read token sees everything and can change nothing; the admin token can")
    func tokens() async throws {
        try await ConsoleHarness.with { console in
            try await console.open("/ui/fetches")
            #expect(try await console.browser.currentURL().hasPrefix(console.base + "/login"))
            try await console.logIn("not-a-token")
            #expect(try await console.text("#token-error").contains("not valid"))

            try await console.logIn(ConsoleHarness.readToken, next: "/ui/fetches")
            #expect(try await console.browser.currentURL() == console.base + "/ui/fetches")
            #expect(try await console.text("#role") == "read-only")
            #expect(try await console.browser.count("#fetch-history tbody tr") == 1, "the read token sees the history")
            let stop = try await console.browser.element("#scheduler-stop")
            #expect(try await console.browser.property("disabled", of: stop) as? Bool == true)
            // A crafted post with the session's own CSRF token is refused all the same.
            let status = try await console.browser.executeAsync("""
                const done = arguments[arguments.length - 1];
                const csrf = document.querySelector('input[name=csrf]').value;
                fetch('/ui/scheduler/stop', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                    body: 'csrf=' + encodeURIComponent(csrf)}).then(r => done(r.status));
                """)
            #expect(status as? Int == 403)
            #expect(try await console.db.scalar("SELECT enabled FROM scheduler_settings", as: Bool.self) == true)
            // Without the CSRF token even the admin's session cannot act.
            try await console.submit("header form button")
            try await console.logIn(ConsoleHarness.adminToken, next: "/ui/fetches")
            #expect(try await console.text("#role") == "admin")
            let forged = try await console.browser.executeAsync("""
                const done = arguments[arguments.length - 1];
                fetch('/ui/scheduler/stop', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                    body: 'csrf=forged'}).then(r => done(r.status));
                """)
            #expect(forged as? Int == 403)
            #expect(try await console.db.scalar("SELECT enabled FROM scheduler_settings", as: Bool.self) == true)
            try await console.submit("#scheduler-stop")
            #expect(try await console.db.scalar("SELECT enabled FROM scheduler_settings", as: Bool.self) == false)
        }
    }
}
