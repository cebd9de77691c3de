import ServiceLifecycle

/// Adds new memories to the store at a steady rate until graceful shutdown, so incremental
/// fetching has something to fetch; with a ``WebhookPusher``, pushes each as it arrives (pushes
/// still retrying at shutdown are given up).
struct ArrivalService: Service {
    let store: MemoryStore
    /// Memories per second; more than zero (without arrivals, do not run the service at all).
    let rate: Double
    let pusher: WebhookPusher?

    func run() async throws {
        let tick = Duration.milliseconds(100)
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { pushes in
                var owed = 0.0
                while !Task.isCancelled {
                    try? await Task.sleep(for: tick)
                    owed += rate * 0.1
                    let arriving = Int(owed)
                    owed -= Double(arriving)
                    guard arriving > 0 else { continue }
                    let arrived = await store.arrive(arriving)
                    guard let pusher else { continue }
                    for memory in arrived {
                        pushes.addTask { await pusher.push(buddiID: memory.id, json: memory.json) }
                    }
                }
            }
        }
    }
}
