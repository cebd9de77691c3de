import ServiceLifecycle

/// Adds new memories to the store at a steady rate until graceful shutdown, so incremental
/// fetching has something to fetch.
struct ArrivalService: Service {
    let store: MemoryStore
    /// Memories per second; more than zero (without arrivals, do not run the service at all).
    let rate: Double

    func run() async throws {
        let tick = Duration.milliseconds(100)
        try? await cancelWhenGracefulShutdown {
            var owed = 0.0
            while !Task.isCancelled {
                try await Task.sleep(for: tick)
                owed += rate * 0.1
                let arriving = Int(owed)
                owed -= Double(arriving)
                if arriving > 0 { await store.arrive(arriving) }
            }
        }
    }
}
