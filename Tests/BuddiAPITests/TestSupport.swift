import BuddiAPI
import BuddiSimulator
import Foundation
import Logging
import Testing

/// Collects every log line (message and metadata) written through loggers it made.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    /// Every line so far, "label level message metadata".
    var lines: [String] { lock.withLock { stored } }

    /// A trace-level logger writing here.
    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { label in CapturingHandler(label: label, capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) { lock.withLock { stored.append(line) } }
}

private struct CapturingHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        capture.append("\(label) \(event.level) \(event.message) \(all)")
    }
}

/// A key that must never show up anywhere.
let secretKey = "sk-test-7f3a9c1e5b-SECRET"

/// Client settings that keep tests fast: tiny backoff, short read timeout, a generous rate limit.
func fastClientConfiguration(_ url: URL, key: String? = secretKey) -> BuddiAPIConfiguration {
    BuddiAPIConfiguration(
        baseURL: url,
        apiKey: key.flatMap(BuddiAPIKey.init),
        connectTimeout: .seconds(1),
        readTimeout: .seconds(5),
        requestTimeout: .seconds(10),
        retry: RetryPolicy(maxRetries: 12, initialBackoff: .milliseconds(2), maxBackoff: .milliseconds(20)),
        requestsPerSecond: 100_000,
        burst: 100_000
    )
}

/// Runs `body` with a simulator (port 0, key ``secretKey``) and a client pointed at it.
func withSimulator<Result: Sendable>(
    _ configuration: SimulatorConfiguration,
    logs: LogCapture = LogCapture(),
    client adjust: @Sendable (inout BuddiAPIConfiguration) -> Void = { _ in },
    _ body: @Sendable (BuddiSimulator, BuddiAPIClient) async throws -> Result
) async throws -> Result {
    var configuration = configuration
    configuration.port = 0
    configuration.apiKey = configuration.apiKey ?? BuddiAPIKey(secretKey)
    return try await BuddiSimulator.withRunning(configuration, logger: logs.logger("simulator")) { simulator, url in
        var clientConfiguration = fastClientConfiguration(url)
        adjust(&clientConfiguration)
        return try await BuddiAPIClient.withClient(configuration: clientConfiguration, logger: logs.logger("client")) {
            try await body(simulator, $0)
        }
    }
}

/// The ``BuddiAPIError`` `operation` throws; `nil` when it does not throw. Any other error
/// fails the test.
func caught(_ operation: () async throws -> Void) async -> BuddiAPIError? {
    do {
        try await operation()
        return nil
    } catch let error as BuddiAPIError {
        return error
    } catch {
        Issue.record("expected a BuddiAPIError, got \(error)")
        return nil
    }
}
