import Foundation

/// Where the Buddi API is, how to authenticate, and how patiently to talk to it.
///
/// Read it from the environment with ``fromEnvironment(_:)``: `BUDDI_API_BASE_URL` (default
/// ``defaultBaseURL``) and `BUDDI_API_KEY`. Switching from the simulator to the real service
/// is only a matter of those two variables.
package struct BuddiAPIConfiguration: Sendable {
    /// The real service.
    package static let defaultBaseURL = URL(string: "https://apis.getbuddi.ai/v1/dev")!
    /// The most memories one page may ask for; the API rejects more.
    package static let maxPageSize = 20

    /// Base URL; `get_memories` is appended to it.
    package var baseURL: URL
    /// The key sent as the `api-key` header; `nil` sends none (and the API answers 401).
    package var apiKey: BuddiAPIKey?
    /// How long to wait for a TCP (and TLS) connection.
    package var connectTimeout: Duration
    /// How long the response may go silent, headers or body, before the attempt fails.
    package var readTimeout: Duration
    /// Deadline for one whole attempt, body included.
    package var requestTimeout: Duration
    /// Retrying of 5xx, 429, connection failures and timeouts.
    package var retry: RetryPolicy
    /// Client-side rate limit: requests per second on average.
    package var requestsPerSecond: Double
    /// Client-side rate limit: requests allowed at once after a quiet spell.
    package var burst: Int
    /// A larger response body is a ``BuddiAPIError/malformedResponse(location:reason:)``.
    package var maxResponseBytes: Int
    /// How large a memory may be before it is rejected on its own.
    package var memoryLimits: MemoryLimits

    /// A configuration. `baseURL` must be `http` or `https` with a host (``BuddiAPIClient`` checks).
    package init(
        baseURL: URL = BuddiAPIConfiguration.defaultBaseURL,
        apiKey: BuddiAPIKey?,
        connectTimeout: Duration = .seconds(5),
        readTimeout: Duration = .seconds(30),
        requestTimeout: Duration = .seconds(60),
        retry: RetryPolicy = RetryPolicy(),
        requestsPerSecond: Double = 5,
        burst: Int = 5,
        maxResponseBytes: Int = 16 << 20,
        memoryLimits: MemoryLimits = MemoryLimits()
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
        self.maxResponseBytes = maxResponseBytes
        self.memoryLimits = memoryLimits
    }

    /// The configuration from `BUDDI_API_BASE_URL`, `BUDDI_API_KEY`, and the client-side rate
    /// limit `BUDDI_API_REQUESTS_PER_SECOND` (a positive number; the burst grows to at least one
    /// second's worth) and `BUDDI_API_BURST` (a positive whole number), the timeouts
    /// `BUDDI_API_REQUEST_TIMEOUT_SECONDS` (a whole attempt, body included) and
    /// `BUDDI_API_READ_TIMEOUT_SECONDS` (silence), and the ``MemoryLimits`` `BUDDI_MAX_MEMORY_BYTES`,
    /// `BUDDI_MAX_FIELD_BYTES` and `BUDDI_MAX_MEMORY_ID_BYTES`; other settings at their defaults. Throws ``BuddiAPIError/invalidConfiguration(_:)`` naming the variable that is
    /// wrong. A missing key is not an error here: the API's 401 says it.
    package static func fromEnvironment(
        _ environment: [String: String]
    ) throws(BuddiAPIError) -> BuddiAPIConfiguration {
        let key = environment["BUDDI_API_KEY"].flatMap(BuddiAPIKey.init)
        var configuration = BuddiAPIConfiguration(apiKey: key)
        if let text = environment["BUDDI_API_BASE_URL"], !text.isEmpty {
            guard let url = URL(string: text) else {
                throw .invalidConfiguration("BUDDI_API_BASE_URL is not a URL: \(text)")
            }
            configuration.baseURL = url
            try configuration.validate()
        }
        if let text = environment["BUDDI_API_REQUESTS_PER_SECOND"], !text.isEmpty {
            guard let rate = Double(text), rate > 0, rate.isFinite else {
                throw .invalidConfiguration("BUDDI_API_REQUESTS_PER_SECOND must be a positive number, got '\(text)'")
            }
            configuration.requestsPerSecond = rate
            configuration.burst = max(configuration.burst, Int(min(rate, 1_000_000).rounded(.up)))
        }
        if let text = environment["BUDDI_API_BURST"], !text.isEmpty {
            guard let burst = Int(text), burst > 0 else {
                throw .invalidConfiguration("BUDDI_API_BURST must be a positive whole number, got '\(text)'")
            }
            configuration.burst = burst
        }
        let setting = EnvironmentSetting(environment: environment)
        if let seconds = try setting.seconds("BUDDI_API_REQUEST_TIMEOUT_SECONDS") { configuration.requestTimeout = seconds }
        if let seconds = try setting.seconds("BUDDI_API_READ_TIMEOUT_SECONDS") { configuration.readTimeout = seconds }
        if let bytes = try setting.count("BUDDI_MAX_MEMORY_BYTES") { configuration.memoryLimits.maxMemoryBytes = bytes }
        if let bytes = try setting.count("BUDDI_MAX_FIELD_BYTES") { configuration.memoryLimits.maxFieldBytes = bytes }
        if let bytes = try setting.count("BUDDI_MAX_MEMORY_ID_BYTES") { configuration.memoryLimits.maxIDBytes = bytes }
        return configuration
    }

    /// Throws ``BuddiAPIError/invalidConfiguration(_:)`` unless the base URL can be called.
    func validate() throws(BuddiAPIError) {
        guard let scheme = baseURL.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = baseURL.host, !host.isEmpty
        else {
            throw .invalidConfiguration(
                "the Buddi API base URL must be http(s)://host[:port]/path, not \(baseURL.absoluteString)"
            )
        }
    }

    /// `host` or `host:port`, as the 401 message names it.
    var hostDescription: String {
        let host = baseURL.host ?? baseURL.absoluteString
        return baseURL.port.map { "\(host):\($0)" } ?? host
    }
}
