import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// A PostgreSQL client that is back at work within a second or two of the server's return,
/// however long it was gone.
///
/// ```swift
/// let client = DatabaseClient(configuration: configuration, backgroundLogger: logger)
/// let running = await client.runInBackground()
/// try await client.execute("SELECT 1", logger: logger)
/// ```
///
/// It forwards every call to a `PostgresClient`. That client's pool retries a connection the
/// server refused with a backoff that grows to a minute and that nothing resets but a connection
/// that works: after a long outage it would go on failing every call for up to a minute after
/// the server is back. So after a failed call (or a second in which calls began and none ended)
/// this client asks its pool for a connection, and keeps asking every ``probeIntervalDefault``
/// while the pool cannot give one and no call gets through; meanwhile it tries a new pool each
/// time, and the first new pool that connects replaces the old, whose waiting calls then fail at
/// once. That is a few short connection attempts per interval while the server is down.
public final class DatabaseClient: Sendable {
    /// How often the server is probed while it seems gone. Defaults to 1 second.
    public static let probeIntervalDefault: Duration = .seconds(1)
    /// How long a write refused for lack of space counts as a full disk. Defaults to 1 minute.
    public static let diskFullMemoryDefault: Duration = .seconds(60)

    /// The configuration each of its pools is made with.
    public let configuration: PostgresClient.Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let probeInterval: Duration
    private let state: Mutex<State>
    private let suspicion: AsyncStream<Void>.Continuation
    private let suspicions: AsyncStream<Void>
    /// When a call last got through, in nanoseconds after `origin`.
    private let lastSuccess = Atomic<Int64>(0)
    /// Calls begun and ended (either way), to notice calls that wait and never end.
    private let callsBegun = Atomic<Int>(0)
    private let callsEnded = Atomic<Int>(0)
    private let origin = ContinuousClock.now
    /// The server's last refusal to write for lack of space, and when.
    private let diskRefusal = Mutex<(message: String, at: ContinuousClock.Instant)?>(nil)

    private struct State {
        var pool: PostgresClient
        var poolRun: Task<Void, Never>?
        var renewals = 0
    }

    /// A client of the server `configuration` names; it works once ``run()`` runs.
    public init(
        configuration: PostgresClient.Configuration, eventLoopGroup: any EventLoopGroup = PostgresClient.defaultEventLoopGroup,
        probeInterval: Duration = probeIntervalDefault, backgroundLogger: Logger
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = backgroundLogger
        self.probeInterval = probeInterval
        self.state = Mutex(State(pool: PostgresClient(configuration: configuration, eventLoopGroup: eventLoopGroup, backgroundLogger: backgroundLogger)))
        (suspicions, suspicion) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The pool calls go to now.
    public var pool: PostgresClient { state.withLock { $0.pool } }

    /// How many times a new pool has replaced the one before.
    public var renewals: Int { state.withLock { $0.renewals } }

    /// The disk as calls found it: full while a write was refused for lack of space (SQLSTATE
    /// 53100) within ``diskFullMemoryDefault``.
    public var disk: DiskCondition {
        guard let refusal = diskRefusal.withLock({ $0 }), ContinuousClock.now - refusal.at < Self.diskFullMemoryDefault else {
            return DiskCondition()
        }
        return DiskCondition(full: true, reason: "the server refused a write for lack of space (SQLSTATE 53100): \(refusal.message)")
    }

    /// Runs the pool, and replaces it when the server is back but the pool is still backing off,
    /// until cancelled or graceful shutdown.
    public func run() async {
        await run(began: nil)
    }

    /// ``run()``, finishing `began` as the first pool's run is about to begin.
    func run(began: AsyncStream<Void>.Continuation?) async {
        state.withLock { state in
            let pool = state.pool
            state.poolRun = Task.detached {
                began?.finish()
                await pool.run()
            }
        }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.watchForStalls() }
                for await _ in self.suspicions {
                    await self.recover()
                    // At most one round of probes per interval, however many calls fail.
                    try? await Task.sleep(for: self.probeInterval)
                }
                group.cancelAll()
            }
        }
        state.withLock { $0.poolRun }?.cancel()
    }

    /// Every interval: calls began and none ended (they wait for a connection the pool cannot
    /// make; the server may have gone while every connection was idle) is a failure too.
    private func watchForStalls() async {
        var seen = (begun: 0, ended: 0)
        while !Task.isCancelled {
            try? await Task.sleep(for: probeInterval)
            let now = (begun: callsBegun.load(ordering: .relaxed), ended: callsEnded.load(ordering: .relaxed))
            if now.begun != seen.begun, now.ended == seen.ended { suspicion.yield() }
            seen = now
        }
    }

    /// Notes a call begun.
    func callBegan() {
        callsBegun.wrappingAdd(1, ordering: .relaxed)
    }

    /// Notes a call that got through.
    func succeeded() {
        callsEnded.wrappingAdd(1, ordering: .relaxed)
        lastSuccess.store(nanoseconds(since: origin), ordering: .relaxed)
    }

    /// Notes a failed call: it may have failed for want of a connection, so the watch looks; and
    /// one refused for lack of space marks the disk full.
    func failed(_ error: any Error) {
        callsEnded.wrappingAdd(1, ordering: .relaxed)
        if let message = DiskCondition.refusal(in: error) { diskRefusal.withLock { $0 = (message, .now) } }
        suspicion.yield()
    }

    /// Probes until the current pool answers, another call gets through (the pool is busy, not
    /// cut off), or a new pool connects, and replaces it.
    private func recover() async {
        let since = nanoseconds(since: origin)
        let gettingThrough = { self.lastSuccess.load(ordering: .relaxed) > since }
        while !Task.isCancelled {
            if await Self.answers(pool, within: probeInterval / 2) || gettingThrough() { return }
            // A pool of its own per probe, quiet: its connection failures are the outage's, not news.
            var quiet = logger
            quiet.logLevel = .critical
            let (probe, probeRun) = await Self.started(PostgresClient(configuration: configuration, eventLoopGroup: eventLoopGroup, backgroundLogger: quiet))
            let connects = await Self.answers(probe, within: probeInterval / 2)
            probeRun.cancel()
            if connects, !gettingThrough() {
                // The server takes connections: the current pool, if only slow (a loaded
                // machine), gets one more whole interval before it is given up.
                if await Self.answers(pool, within: probeInterval) || gettingThrough() || Task.isCancelled { return }
                await replacePool()
                return
            }
            try? await Task.sleep(for: probeInterval / 2)
        }
    }

    /// Makes a new pool the one calls go to, and stops the old one: what waits in it for a
    /// connection fails at once, to be tried again on the new one.
    private func replacePool() async {
        let (fresh, running) = await Self.started(PostgresClient(configuration: configuration, eventLoopGroup: eventLoopGroup, backgroundLogger: logger))
        let (old, count) = state.withLock { state in
            let old = state.poolRun
            state.pool = fresh
            state.poolRun = running
            state.renewals += 1
            return (old, state.renewals)
        }
        logger.info("the database answers again; replaced the connection pool that was still backing off", metadata: [
            "renewals": "\(count)"])
        old?.cancel()
    }

    /// `pool`, and the task running it, once that task is about to enter its run.
    private static func started(_ pool: PostgresClient) async -> (PostgresClient, Task<Void, Never>) {
        let (begun, began) = AsyncStream.makeStream(of: Void.self)
        let running = Task.detached {
            began.finish()
            await pool.run()
        }
        for await _ in begun {}
        return (pool, running)
    }

    /// Whether `pool` runs `SELECT 1` within `limit`. A connection the server has closed fails at
    /// once, and the pool drops it: that is asked again, on another.
    private static func answers(_ pool: PostgresClient, within limit: Duration) async -> Bool {
        for _ in 0..<2 {
            do {
                try await withDatabaseDeadline(limit, "probing the database") {
                    for try await _ in try await pool.query("SELECT 1") {}
                }
                return true
            } catch is DatabaseDeadlineExceeded {
                return false
            } catch {
                continue
            }
        }
        return false
    }
}

extension DatabaseClient {
    /// Leases a connection for `body`'s lifetime: `PostgresClient.withConnection`.
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation, _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        callBegan()
        do {
            let result = try await pool.withConnection(isolation: isolation, body)
            succeeded()
            return result
        } catch {
            failed(error)
            throw error
        }
    }

    /// Runs `body` in a transaction: `PostgresClient.withTransaction`.
    public func withTransaction<Result>(
        logger: Logger, file: String = #file, line: Int = #line, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        callBegan()
        do {
            let result = try await pool.withTransaction(logger: logger, file: file, line: line, isolation: isolation, body)
            succeeded()
            return result
        } catch {
            failed(error)
            throw error
        }
    }

    /// Runs `query`: `PostgresClient.query`.
    @discardableResult
    public func query(_ query: PostgresQuery, logger: Logger? = nil, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        callBegan()
        do {
            let result = try await pool.query(query, logger: logger, file: file, line: line)
            succeeded()
            return result
        } catch {
            failed(error)
            throw error
        }
    }

    /// Runs a prepared statement: `PostgresClient.execute`.
    public func execute<Statement: PostgresPreparedStatement, Row>(
        _ statement: Statement, logger: Logger? = nil, file: String = #fileID, line: Int = #line
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, Row> where Row == Statement.Row {
        callBegan()
        do {
            let result = try await pool.execute(statement, logger: logger, file: file, line: line)
            succeeded()
            return result
        } catch {
            failed(error)
            throw error
        }
    }
}

/// Nanoseconds from `origin` to now.
private func nanoseconds(since origin: ContinuousClock.Instant) -> Int64 {
    let elapsed = (ContinuousClock.now - origin).components
    return elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
}
