import BuddiAPI

/// What the simulator serves, where, and with which faults.
package struct SimulatorConfiguration: Sendable {
    /// The address to bind.
    package var host: String
    /// The port to bind; `0` lets the system choose (read it from ``BuddiSimulator/baseURL()``).
    package var port: Int
    /// The path `get_memories` hangs under, like the real API's `/v1/dev`.
    package var basePath: String
    /// The only key accepted in the `api-key` header; `nil` accepts any non-empty key.
    /// Redacted wherever the configuration is printed.
    package var apiKey: BuddiAPIKey?
    /// Memories in the history when it starts.
    package var memoryCount: Int
    /// Same seed, same memories and same faults.
    package var seed: UInt64
    /// Rich (default) or flat memories.
    package var shape: MemoryShape
    /// New memories per second while it runs; `0` for a fixed history.
    package var arrivalRate: Double
    /// The faults to inject.
    package var faults: FaultPlan
    /// Where each new memory is pushed as it arrives, if anywhere.
    package var webhook: WebhookPlan?

    /// A configuration; by default 1,000 rich memories at `127.0.0.1:8090/v1/dev`, no faults.
    package init(
        host: String = "127.0.0.1",
        port: Int = 8090,
        basePath: String = "/v1/dev",
        apiKey: String? = nil,
        memoryCount: Int = 1000,
        seed: UInt64 = 42,
        shape: MemoryShape = .rich,
        arrivalRate: Double = 0,
        faults: FaultPlan = FaultPlan(),
        webhook: WebhookPlan? = nil
    ) {
        self.host = host
        self.port = port
        self.basePath = basePath
        self.apiKey = apiKey.flatMap(BuddiAPIKey.init)
        self.memoryCount = memoryCount
        self.seed = seed
        self.shape = shape
        self.arrivalRate = arrivalRate
        self.faults = faults
        self.webhook = webhook
    }

    /// ``basePath`` with one leading slash and none trailing (`/` alone becomes empty).
    var normalizedBasePath: String {
        let trimmed = basePath.split(separator: "/").joined(separator: "/")
        return trimmed.isEmpty ? "" : "/" + trimmed
    }
}
