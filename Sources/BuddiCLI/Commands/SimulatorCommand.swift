import BuddiRuntime
import ArgumentParser
import BuddiSimulator
import Foundation
import Logging
import ServiceLifecycle

/// `buddi simulator`: serves a simulated Buddi API until SIGINT or SIGTERM.
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Serve a simulated Buddi API (GET <base-path>/get_memories) with fault injection.",
        discussion: """
            Memories are deterministic for a seed, newest first, paged by cursor. Point buddi at it with \
            BUDDI_API_BASE_URL=http://<host>:<port><base-path> and the same BUDDI_API_KEY. With no key \
            (neither --api-key nor BUDDI_API_KEY), any non-empty api-key header is accepted; a missing \
            header is always a 401. Runs until SIGINT or SIGTERM, then exits 0.
            """)

    @Option(help: "The port to listen on (0 lets the system choose).")
    var port = 8090

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The only key accepted in the api-key header (default: BUDDI_API_KEY; unset accepts any).")
    var apiKey: String?

    @Option(help: "The path get_memories hangs under.")
    var basePath = "/v1/dev"

    @Option(help: "Memories in the history at start.")
    var memories = 1000

    @Option(help: "Seed of the memories and of the faults.")
    var seed: UInt64 = 42

    @Flag(help: "Serve the flat shape (title, text) instead of the rich one (structured, transcript).")
    var flat = false

    @Option(help: "New memories per second while it runs.")
    var arrivalRate = 0.0

    @Option(help: "Fraction of requests answered 500.")
    var serverErrorRate = 0.0

    @Option(help: "Fraction of requests answered 429.")
    var rateLimitRate = 0.0

    @Option(help: "Retry-After seconds sent with a 429 (negative: none).")
    var retryAfter = 1

    @Option(help: "Milliseconds added to every request.")
    var latencyMs = 0

    @Option(help: "Fraction of responses whose body stalls halfway.")
    var stallRate = 0.0

    @Option(help: "Milliseconds a stalled body stays silent.")
    var stallMs = 5000

    @Option(help: "Fraction of responses whose body is cut in half.")
    var truncateRate = 0.0

    @Option(help: "Fraction of responses whose body is not JSON.")
    var malformedJsonRate = 0.0

    @Option(help: "Fraction of pages whose last memory is repeated on the next page.")
    var duplicateRate = 0.0

    @Option(help: "Fraction of memories whose id is missing, empty or not a string.")
    var malformedMemoryRate = 0.0

    @Option(help: "Fraction of cursor pages whose next_cursor repeats the request's cursor.")
    var stuckCursorRate = 0.0

    @Option(help: "Fraction of memories served broken: NUL in a string or key, lone surrogates, bad escapes, 600-deep nesting, raw control characters, oversized fields, bad ids.")
    var badMemoryRate = 0.0

    @Option(help: "Fraction of responses whose body trickles in one byte per --drip-ms.")
    var dripRate = 0.0

    @Option(help: "Milliseconds between two bytes of a drip-fed body.")
    var dripMs = 1000

    @OptionGroup(title: "Pushing new memories to a webhook endpoint")
    var webhook: WebhookPushOptions

    func validate() throws {
        let rates = [serverErrorRate, rateLimitRate, stallRate, truncateRate, malformedJsonRate, duplicateRate, malformedMemoryRate, stuckCursorRate, badMemoryRate, dripRate]
        guard rates.allSatisfy({ (0...1).contains($0) }) else { throw ValidationError("every --…-rate fraction must be from 0 to 1") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard memories >= 0, arrivalRate >= 0, latencyMs >= 0, stallMs >= 0, dripMs >= 0 else {
            throw ValidationError("--memories, --arrival-rate, --latency-ms, --stall-ms and --drip-ms cannot be negative")
        }
    }

    func run() async throws {
        let logger = BuddiLogging.root
        let faults = FaultPlan(
            serverErrorRate: serverErrorRate, rateLimitRate: rateLimitRate, retryAfterSeconds: retryAfter < 0 ? nil : retryAfter,
            latency: .milliseconds(latencyMs), stallRate: stallRate, stallDuration: .milliseconds(stallMs),
            truncateRate: truncateRate, malformedJSONRate: malformedJsonRate, duplicateRate: duplicateRate,
            malformedMemoryRate: malformedMemoryRate, stuckCursorRate: stuckCursorRate,
            badMemoryRate: badMemoryRate, dripRate: dripRate, dripInterval: .milliseconds(dripMs)
        )
        let webhookPlan = try webhook.plan(environment: BuddiEnvironment.current.variables)
        let simulator = BuddiSimulator(
            configuration: SimulatorConfiguration(
                host: host, port: port, basePath: basePath,
                apiKey: apiKey ?? BuddiEnvironment.current.apiKey,
                memoryCount: memories, seed: seed, shape: flat ? .flat : .rich, arrivalRate: arrivalRate, faults: faults,
                webhook: webhookPlan
            ),
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(services: [simulator], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                let url = try await simulator.baseURL()
                logger.info("Buddi simulator listening", metadata: ["url": "\(url)", "memories": "\(memories)"])
            }
            try await tasks.waitForAll()
        }
    }
}
