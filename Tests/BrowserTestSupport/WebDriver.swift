import AsyncHTTPClient
import Foundation
import NIOCore
import PostgresServer

/// Headless Chromium driven over the W3C WebDriver protocol: a `chromedriver` process of its
/// own on a loopback port, one browser session, and the handful of commands the console's tests
/// use. Chromium and chromedriver come from Debian's packages (`.ci/run` installs them).
package final class WebDriver: Sendable {
    /// What the browser and its driver are, where Debian puts them.
    package static let chromium = "/usr/bin/chromium"
    package static let chromedriver = "/usr/bin/chromedriver"

    private let driver: RunningProcess
    private let base: String
    private let session: String
    private let profile: String

    /// Whether Chromium and chromedriver are installed.
    package static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: chromium) && FileManager.default.isExecutableFile(atPath: chromedriver)
    }

    /// Starts chromedriver and a headless browser (`width`×`height` window).
    package static func start(width: Int = 1280, height: Int = 1000) async throws -> WebDriver {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<45_000)
            let driver = try RunningProcess([chromedriver, "--port=\(port)", "--allowed-ips=127.0.0.1"], environment: ProcessInfo.processInfo.environment, label: "chromedriver")
            let base = "http://127.0.0.1:\(port)"
            do {
                try await waitUntilReady(base, driver: driver)
                let profile = NSTemporaryDirectory() + "chromium-\(UUID().uuidString)"
                let options: [String: Any] = [
                    "binary": chromium,
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--window-size=\(width),\(height)", "--user-data-dir=\(profile)"],
                ]
                let reply = try await call(base, "POST", "/session", ["capabilities": ["alwaysMatch": ["goog:chromeOptions": options]]])
                guard let value = reply as? [String: Any], let session = value["sessionId"] as? String else {
                    throw WebDriverError.protocolError("no session in \(String(describing: reply))")
                }
                // Finding an element waits up to 5 s for it: a click that submits a form returns
                // before the next page may have arrived.
                _ = try await call(base, "POST", "/session/\(session)/timeouts", ["implicit": 5000])
                return WebDriver(driver: driver, base: base, session: session, profile: profile)
            } catch {
                lastError = error
                driver.signal(SIGKILL)
            }
        }
        throw lastError ?? WebDriverError.protocolError("chromedriver did not start")
    }

    private init(driver: RunningProcess, base: String, session: String, profile: String) {
        self.driver = driver
        self.base = base
        self.session = session
        self.profile = profile
    }

    /// Ends the session and the driver.
    package func quit() async {
        _ = try? await Self.call(base, "DELETE", "/session/\(session)", nil)
        driver.signal(SIGTERM)
        _ = try? await driver.wait(timeout: .seconds(10))
        try? FileManager.default.removeItem(atPath: profile)
    }

    /// Loads `url` and waits for it.
    package func open(_ url: String) async throws {
        _ = try await command("POST", "/url", ["url": url])
    }

    /// The page's URL now.
    package func currentURL() async throws -> String {
        try await command("GET", "/url", nil) as? String ?? ""
    }

    /// The HTTP-free text the user sees.
    package func visibleText() async throws -> String {
        try await execute("return document.body.innerText") as? String ?? ""
    }

    /// The first element matching the CSS selector (an error if none).
    package func element(_ css: String) async throws -> WebElement {
        let value = try await command("POST", "/element", ["using": "css selector", "value": css])
        guard let object = value as? [String: Any], let id = object.values.first as? String else {
            throw WebDriverError.protocolError("no element id for \(css)")
        }
        return WebElement(id: id, css: css)
    }

    /// How many elements match (waiting up to 5 s for there to be any).
    package func count(_ css: String) async throws -> Int {
        (try await command("POST", "/elements", ["using": "css selector", "value": css]) as? [Any])?.count ?? 0
    }

    /// Clicks the element (and, for a submit button, waits for the page it leads to).
    package func click(_ element: WebElement) async throws {
        _ = try await command("POST", "/element/\(element.id)/click", [:])
    }

    /// Clicks a button that submits a form and waits until the page it leads to has loaded (a
    /// click alone may return while the request is still on its way).
    package func submit(_ element: WebElement) async throws {
        _ = try await execute("window.__webDriverLeaving = true")
        try await click(element)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let arrived = try? await execute("return window.__webDriverLeaving === undefined && document.readyState === 'complete'")
            if arrived as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw WebDriverError.protocolError("no new page within 20 s of submitting \(element.css)")
    }

    /// Replaces the field's value with `text`, as typed.
    package func type(_ text: String, into element: WebElement) async throws {
        _ = try await command("POST", "/element/\(element.id)/clear", [:])
        _ = try await command("POST", "/element/\(element.id)/value", ["text": text])
    }

    /// The element's rendered text.
    package func text(of element: WebElement) async throws -> String {
        try await command("GET", "/element/\(element.id)/text", nil) as? String ?? ""
    }

    /// The rendered text of the first element matching `css`, found again if the page replaced
    /// it between finding and reading (the console refreshes its live sections).
    package func text(_ css: String) async throws -> String {
        for _ in 0..<4 {
            do {
                return try await text(of: try await element(css))
            } catch WebDriverError.failed(let error, _) where error == "stale element reference" {
                continue
            }
        }
        return try await text(of: try await element(css))
    }

    /// A DOM property (`disabled`, `value`…), as JSON gives it.
    package func property(_ name: String, of element: WebElement) async throws -> Any? {
        try await command("GET", "/element/\(element.id)/property/\(name)", nil)
    }

    /// Runs `script` (a function body) in the page; returns what it returns.
    package func execute(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": script, "args": arguments])
    }

    /// Runs an asynchronous script: its last argument is the callback to call with the result.
    package func executeAsync(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/async", ["script": script, "args": arguments])
    }

    /// The text of an open alert, or nil when there is none.
    package func alertText() async throws -> String? {
        do {
            return try await command("GET", "/alert/text", nil) as? String
        } catch WebDriverError.failed(let error, _) where error == "no such alert" {
            return nil
        }
    }

    /// A PNG of the viewport.
    package func screenshot() async throws -> Data {
        guard let text = try await command("GET", "/screenshot", nil) as? String, let data = Data(base64Encoded: text) else {
            throw WebDriverError.protocolError("no screenshot")
        }
        return data
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        try await Self.call(base, method, "/session/\(session)" + path, body)
    }

    private static func waitUntilReady(_ base: String, driver: RunningProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if driver.poll() != nil { throw WebDriverError.protocolError("chromedriver exited: \(driver.output)") }
            if let status = try? await call(base, "GET", "/status", nil) as? [String: Any], status["ready"] as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WebDriverError.protocolError("chromedriver not ready within 20 s: \(driver.output)")
    }

    /// One WebDriver call; its `value`, or the error it reports.
    private static func call(_ base: String, _ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        let object = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? [String: Any]
        let value = object?["value"]
        if response.status.code >= 400 {
            let details = value as? [String: Any]
            throw WebDriverError.failed(details?["error"] as? String ?? "HTTP \(response.status.code)", details?["message"] as? String ?? "")
        }
        return value is NSNull ? nil : value
    }
}

/// An element found in the page.
package struct WebElement: Sendable {
    let id: String
    /// The selector it was found with (for messages).
    package let css: String
}

/// What went wrong talking to the browser.
package enum WebDriverError: Error, CustomStringConvertible {
    case failed(String, String)
    case protocolError(String)

    package var description: String {
        switch self {
        case .failed(let error, let message): "WebDriver: \(error): \(message.prefix(300))"
        case .protocolError(let message): "WebDriver: \(message)"
        }
    }
}
