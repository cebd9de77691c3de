import BuddiAPI
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A simulator of the Buddi API (`GET {basePath}/get_memories`) with fault injection.
///
/// Run it as a `Service` (in a `ServiceGroup`, as `buddi simulator` does) or, in tests, with
/// ``withRunning(_:logger:_:)`` on port 0.
package struct BuddiSimulator: Service, CustomStringConvertible {
    /// What it serves.
    package let configuration: SimulatorConfiguration
    private let store: MemoryStore
    private let faults: FaultInjector
    private let requests = RequestLog()
    private let address = BoundAddress()
    private let logger: Logger
    /// Pushes new memories to ``SimulatorConfiguration/webhook``, when it is set.
    private let pusher: WebhookPusher?

    /// A simulator with a history of `configuration.memoryCount` memories, not yet listening.
    package init(configuration: SimulatorConfiguration, logger: Logger = Logger(label: "buddi.simulator")) {
        self.configuration = configuration
        var generator = MemoryGenerator(
            seed: configuration.seed, shape: configuration.shape, malformedRate: configuration.faults.malformedMemoryRate
        )
        generator.badRate = configuration.faults.badMemoryRate
        self.store = MemoryStore(count: configuration.memoryCount, generator: generator)
        self.faults = FaultInjector(plan: configuration.faults, seed: configuration.seed)
        self.logger = logger
        self.pusher = configuration.webhook.map { WebhookPusher(plan: $0, logger: logger) }
    }

    /// Names the simulator without its key, for ServiceLifecycle's logs.
    package var description: String {
        "BuddiSimulator(\(configuration.host):\(configuration.port)\(configuration.normalizedBasePath), \(configuration.memoryCount) memories)"
    }

    /// Serves until graceful shutdown (or cancellation).
    package func run() async throws {
        let router = Router()
        router.add(middleware: RequestLogMiddleware(log: requests))
        let route = MemoriesRoute(
            apiKey: configuration.apiKey, latency: configuration.faults.latency, store: store, faults: faults
        )
        router.get("\(configuration.normalizedBasePath)/get_memories") { request, context in
            try await route.respond(to: request, logger: context.logger)
        }
        let host = configuration.host, basePath = configuration.normalizedBasePath, address = address
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "buddi-simulator"),
            services: configuration.arrivalRate > 0 ? [ArrivalService(store: store, rate: configuration.arrivalRate, pusher: pusher)] : [],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let urlHost = host.contains(":") ? "[\(host)]" : host
                await address.settle(Result { try URL(string: "http://\(urlHost):\(port)\(basePath)").orThrow() })
            },
            logger: logger
        )
        do {
            try await application.run()
            await address.settle(.failure(SimulatorNotStarted()))
        } catch {
            await address.settle(.failure(error))
            throw error
        }
    }

    /// The base URL clients use (`http://host:port/basePath`), once the server is listening.
    /// Throws if the server failed to start.
    package func baseURL() async throws -> URL {
        try await address.url()
    }

    /// When each request arrived, in order.
    package func requestTimes() async -> [ContinuousClock.Instant] {
        await requests.times
    }

    /// How many faults of each kind were injected so far.
    package func injectedFaults() async -> [InjectedFault: Int] {
        await faults.injected
    }

    /// Renders every memory ahead of time (see ``MemoryStore/renderAll()``).
    package func renderMemories() async {
        await store.renderAll()
    }

    /// Adds `count` memories created now, as if they had just arrived (not pushed).
    package func arrive(_ count: Int) async {
        await store.arrive(count)
    }

    /// Adds `count` memories, one every `interval`, each pushed to ``SimulatorConfiguration/webhook``
    /// as it arrives; returns once every push has been acknowledged or given up on.
    package func arriveAndPush(_ count: Int, every interval: Duration) async {
        guard let pusher else {
            await store.arrive(count)
            return
        }
        await withDiscardingTaskGroup { pushes in
            for _ in 0..<count {
                for memory in await store.arrive(1) {
                    pushes.addTask { await pusher.push(buddiID: memory.id, json: memory.json) }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// What the webhook pushes came to so far (empty without ``SimulatorConfiguration/webhook``).
    package func webhookReport() -> WebhookPushReport {
        pusher?.pushReport ?? WebhookPushReport()
    }

    /// Every memory in the history now, oldest first: its id and the JSON text it is served as.
    package func memoryTexts() async -> [(id: String, json: String)] {
        await store.texts()
    }

    /// The ids of every memory in the history now, newest first.
    package func memoryIDs() async -> [String] {
        await store.allIDs()
    }

    /// The memories served broken (``FaultPlan/badMemoryRate``), newest first: their ids (what
    /// the history's id for them is, whether or not the broken form still carries it) and how
    /// each is broken.
    package func badMemories() async -> [(id: String, kind: BadMemoryKind)] {
        await store.badMemories()
    }

    /// Starts a simulator, runs `body` with it and its base URL, then shuts it down gracefully.
    package static func withRunning<Result: Sendable>(
        _ configuration: SimulatorConfiguration,
        logger: Logger = Logger(label: "buddi.simulator"),
        _ body: @Sendable (BuddiSimulator, URL) async throws -> Result
    ) async throws -> Result {
        let simulator = BuddiSimulator(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [simulator], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let result = try await body(simulator, try await simulator.baseURL())
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}

extension Optional {
    /// The value, or an error saying the simulator could not form its URL.
    fileprivate func orThrow() throws -> Wrapped {
        guard let self else { throw SimulatorNotStarted() }
        return self
    }
}
