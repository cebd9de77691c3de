import BuddiAPI
import BuddiLedger
import PostgresServer
import BuddiPipeline
import BuddiSimulator
import Foundation
import JobQueue
import Logging
import PostgresNIO
import PostgresResilience

/// One chaos scenario's world: a fresh database in the chaos cluster, the Buddi API simulator in
/// this process, and real `buddi` processes (workers, scheduler, serve) started against them.
final class ChaosLab: @unchecked Sendable {
    let cluster: ChaosCluster
    let database: DatabaseURL
    let client: DatabaseClient
    let simulator: BuddiSimulator
    let apiURL: URL
    let logger: Logger
    private let lock = NSLock()
    private var processes: [String: RunningProcess] = [:]
    private var launches: [String: Launch] = [:]
    private var outputs: [String] = []

    /// How a process was started, to start it again.
    private struct Launch {
        let arguments: [String]
        let namespace: String?
        let environment: [String: String]
    }

    /// A process that exited by itself, and was started again (as systemd's `Restart=on-failure` does).
    struct Crash: Sendable {
        let name: String
        let status: Int32
        /// Whether it is PostgresNIO 1.33's precondition failure in its row stream when the server
        /// closes a connection in the middle of a result (an upstream bug, fixed the same way in
        /// AsyncHTTPClient in 2021 and not yet in PostgresNIO).
        let knownUpstream: Bool
    }

    init(cluster: ChaosCluster, database: DatabaseURL, client: DatabaseClient, simulator: BuddiSimulator, apiURL: URL, logger: Logger) {
        self.cluster = cluster
        self.database = database
        self.client = client
        self.simulator = simulator
        self.apiURL = apiURL
        self.logger = logger
    }

    /// Builds the world for `name`, runs `body` in it, and tears it down (processes killed,
    /// database dropped).
    /// The processes' output is removed when the scenario passes; when it fails, it is kept and
    /// its place named among the problems.
    static func with(
        cluster: ChaosCluster, name: String, simulator configuration: SimulatorConfiguration, logger: Logger,
        _ body: @Sendable (ChaosLab) async throws -> ChaosResult
    ) async throws -> ChaosResult {
        try await ScratchDatabase.with(prefix: "chaos_\(name.replacingOccurrences(of: "-", with: "_"))", on: cluster.embedded.url, logger: logger) { database in
            try await run(cluster: cluster, database: database, simulator: configuration, logger: logger, body)
        }
    }

    private static func run(
        cluster: ChaosCluster, database: DatabaseURL, simulator configuration: SimulatorConfiguration, logger: Logger,
        _ body: @Sendable (ChaosLab) async throws -> ChaosResult
    ) async throws -> ChaosResult {
        let client = DatabaseClient(configuration: database.clientConfiguration, backgroundLogger: logger)
        return try await withServicesRunning(client: client, logger: logger) {
            try await BuddiSchema.migrator(client: client, logger: logger).migrate()
            // Fetches are the scenario's to start: scheduling is off, the scheduler process only
            // elects and maintains.
            try await client.execute("INSERT INTO scheduler_settings (enabled) VALUES (false)", logger: logger)
            return try await BuddiSimulator.withRunning(configuration, logger: logger) { simulator, apiURL in
                await simulator.renderMemories()
                let lab = ChaosLab(cluster: cluster, database: database, client: client, simulator: simulator, apiURL: apiURL, logger: logger)
                defer { lab.stopAll() }
                var result = try await body(lab)
                if result.passed {
                    lab.removeOutput()
                } else {
                    result.problems.append("the processes' output: \(lab.outputFiles.joined(separator: " "))")
                }
                return result
            }
        }
    }

    // MARK: Processes

    /// The environment of a `buddi` process of this lab: its database, the simulator, no limit
    /// on the API rate worth speaking of.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.redacted
        environment["BUDDI_API_BASE_URL"] = apiURL.absoluteString
        environment["BUDDI_API_KEY"] = "chaos"
        environment["BUDDI_API_REQUESTS_PER_SECOND"] = "1000"
        environment["BUDDI_API_BURST"] = "1000"
        environment["LOG_LEVEL"] = environment["CHAOS_LOG_LEVEL"] ?? "info"
        return environment
    }

    /// Arguments that make a worker's failures show quickly: a short lease and rescue interval.
    static let workerArguments = [
        "worker", "--concurrency", "4", "--lease-seconds", "6", "--poll-interval-ms", "200", "--shutdown-grace-seconds", "10",
        "--rescue-interval-seconds", "1", "--maintenance-lease-seconds", "6",
    ]

    /// Starts (or restarts) the `buddi` process called `name` with `arguments`, optionally inside
    /// network namespace `namespace`.
    @discardableResult
    func start(_ name: String, _ arguments: [String], inNamespace namespace: String? = nil, environment extra: [String: String] = [:]) throws -> RunningProcess {
        var argv = [try BuddiExecutable.path()] + arguments
        if let namespace { argv = [ChaosHosts.ip, "netns", "exec", namespace] + argv }
        var environment = self.environment
        for (key, value) in extra { environment[key] = value }
        let process = try RunningProcess(argv, environment: environment, label: "buddi-chaos-\(name)")
        lock.withLock {
            processes[name] = process
            launches[name] = Launch(arguments: arguments, namespace: namespace, environment: extra)
            outputs.append(process.outputPath)
        }
        return process
    }

    /// Whether a process's output ends in PostgresNIO's row-stream precondition failure (see ``Crash``).
    static func isKnownUpstreamCrash(_ output: String) -> Bool {
        output.contains("RowStreamStateMachine.channelReadComplete")
    }

    /// Starts again every process that has exited by itself; returns them.
    func restartCrashed() throws -> [Crash] {
        var crashes: [Crash] = []
        for name in processNames {
            guard let process = process(name), let status = process.poll(), let launch = lock.withLock({ launches[name] }) else { continue }
            crashes.append(Crash(name: name, status: status, knownUpstream: Self.isKnownUpstreamCrash(process.output)))
            try start(name, launch.arguments, inNamespace: launch.namespace, environment: launch.environment)
        }
        return crashes
    }

    /// The process called `name`.
    func process(_ name: String) -> RunningProcess? {
        lock.withLock { processes[name] }
    }

    /// The names of the processes started, sorted.
    var processNames: [String] { lock.withLock { processes.keys.sorted() } }

    /// SIGKILLs every process (the end of a scenario).
    func stopAll() {
        for process in lock.withLock({ Array(processes.values) }) { process.signal(SIGKILL) }
    }

    /// The files holding every process's output.
    var outputFiles: [String] { lock.withLock { outputs } }

    /// Removes the files holding the processes' output.
    func removeOutput() {
        for path in outputFiles { try? FileManager.default.removeItem(atPath: path) }
    }

    // MARK: Work

    /// Enqueues a fetch of at most `maximum` memories, as an operator's forced manual fetch.
    @discardableResult
    func requestFetch(maximum: Int) async throws -> Int64 {
        let settings = SchedulerSettingsStore(client: client, defaults: SchedulerDefaults(), logger: logger)
        return try await FetchRequests(client: client, settings: settings, logger: logger)
            .requestManual(try ManualFetch(maxConversations: maximum), force: true)
    }

    /// Reads one number (nil while the database does not answer within a few seconds).
    func number(_ query: PostgresQuery) async -> Int? {
        let (client, logger) = (client, logger)
        return try? await withDatabaseDeadline(.seconds(3), "a chaos probe") {
            for try await value in try await client.query(query, logger: logger).decode(Int64.self) { return Int(value) }
            return 0
        }
    }

    /// Conversations stored, and processed.
    func progress() async -> (stored: Int, processed: Int)? {
        guard let stored = await number("SELECT count(*) FROM conversations"),
              let processed = await number("SELECT count(*) FROM conversations WHERE processing_state = 'processed'")
        else { return nil }
        return (stored, processed)
    }

    /// Whether everything is done: no unfinished job, and no conversation waiting to be processed.
    func isSettled() async -> Bool {
        let unfinished = await number("SELECT count(*) FROM jobs WHERE state IN ('available', 'running', 'retryable')")
        let pending = await number("SELECT count(*) FROM conversations WHERE processing_state = 'pending'")
        return unfinished == 0 && pending == 0
    }

    /// Waits up to 15 s for every anchor to be sealed into a block (while the lab's processes
    /// run maintenance); returns what is wrong if they are not.
    func sealingProblem() async -> String? {
        let deadline = ContinuousClock.now + .seconds(15)
        let ledger = LedgerVerifier(client: client, logger: logger)
        func left() async -> Int? { try? await withDatabaseDeadline(.seconds(3), "a chaos probe") { try await ledger.unsealedCount() } }
        while ContinuousClock.now < deadline {
            if await left() == 0 { return nil }
            try? await Task.sleep(for: .milliseconds(250))
        }
        let left = await left() ?? -1
        return "\(left) anchors left unsealed: ledger sealing did not resume"
    }

    /// Waits until settled, up to `timeout`; returns whether it settled.
    func settle(within timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await isSettled() { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }
}
