import BrowserTestSupport
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import Testing

/// The console as an operator meets it: a database filled by `buddi demo --once`, a real
/// `buddi worker` (fetching from a real `buddi simulator`), a real `buddi serve` with an admin and
/// a read token, and headless Chromium looking at it.
struct ConsoleHarness {
    static let adminToken = "console-admin-\(UUID().uuidString)"
    static let readToken = "console-read-\(UUID().uuidString)"
    /// How many memories the demo stores.
    static let memories = 60

    let db: TestDatabase
    let base: String
    let browser: WebDriver

    /// Runs `body` with everything up; stops it all afterwards.
    static func with(_ body: (ConsoleHarness) async throws -> Void) async throws {
        try #require(WebDriver.isInstalled, "chromium and chromium-driver are not installed (scripts/install-tools installs them)")
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let url = db.url.redacted
        let demo = try await BuddiProcess.run(["demo", "--once", "--port", "0", "--memories", "\(memories)"], databaseURL: url)
        try #require(demo.status == 0, "\(demo.output)")
        let simulator = try BuddiProcess(["simulator", "--port", "0", "--memories", "80", "--seed", "9"], databaseURL: nil)
        let simulatorURL = try #require(await simulator.logged("Buddi simulator listening", field: "url"), "\(simulator.output)")
        let worker = try BuddiProcess(
            ["worker", "--poll-interval-ms", "200"], databaseURL: url,
            environment: ["BUDDI_API_BASE_URL": simulatorURL, "BUDDI_API_KEY": "console-test"])
        let serve = try BuddiProcess(
            ["serve", "--port", "0"], databaseURL: url,
            environment: ["BUDDI_ADMIN_TOKEN": adminToken, "BUDDI_READ_TOKEN": readToken])
        let port = try #require(await serve.logged("buddi API listening", field: "port"), "\(serve.output)")
        let browser = try await WebDriver.start()
        do {
            try await body(ConsoleHarness(db: db, base: "http://127.0.0.1:\(port)", browser: browser))
        } catch {
            await browser.quit()
            throw error
        }
        await browser.quit()
        for process in [serve, worker, simulator] {
            process.signal(SIGTERM)
            #expect(try await process.wait(timeout: .seconds(30)) == 0, "\(process.output)")
        }
    }

    /// Opens a page of the console.
    func open(_ path: String) async throws {
        try await browser.open(base + path)
    }

    /// Logs in at the login page with `token`.
    func logIn(_ token: String, next: String = "/") async throws {
        try await open("/login?next=\(next)")
        try await browser.type(token, into: try await browser.element("#token"))
        try await submit("#login-submit")
    }

    /// The text of the first element matching `css`.
    func text(_ css: String) async throws -> String {
        try await browser.text(css)
    }

    /// Clicks the submit button matching `css` and waits for the page it leads to.
    func submit(_ css: String) async throws {
        try await browser.submit(try await browser.element(css))
    }

    /// Clicks the first element matching `css`.
    func click(_ css: String) async throws {
        try await browser.click(try await browser.element(css))
    }
}
