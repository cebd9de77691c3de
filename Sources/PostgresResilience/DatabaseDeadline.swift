import Synchronization

/// A database call that did not finish within its deadline.
public struct DatabaseDeadlineExceeded: Error, CustomStringConvertible {
    /// What was being done.
    public let operation: String
    /// The deadline it outlived.
    public let limit: Duration

    public var description: String { "database: \(operation) did not finish within \(limit)" }
}

/// Runs `operation` and returns what it returns, or throws ``DatabaseDeadlineExceeded`` once
/// `limit` has passed, without waiting for it: the operation is cancelled and left to end when it
/// can. (A task group would wait for it; a call stuck in PostgresNIO on a connection the server
/// closed never ends, and ignores cancellation.) The caller's cancellation ends the wait too.
///
/// For calls whose result may be given up: a health probe, a heartbeat, a claim, a flush that is
/// retried. The operation must not hold anything the caller goes on to need.
public func withDatabaseDeadline<T: Sendable>(
    _ limit: Duration, _ operation: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withAbandoningDeadline(limit, orThrow: DatabaseDeadlineExceeded(operation: operation, limit: limit), body)
}

/// Runs `body` and returns what it returns, or throws `timeout` once `limit` has passed, without
/// waiting for it: `body` is cancelled and left to end when it can (see
/// ``withDatabaseDeadline(_:_:_:)``). The caller's cancellation ends the wait at once too, with
/// a `CancellationError`: whatever `body` still writes must be fenced.
public func withAbandoningDeadline<T: Sendable>(
    _ limit: Duration, orThrow timeout: @autoclosure @escaping @Sendable () -> any Error,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withAbandoningWatch(body) {
        try? await Task.sleep(for: limit)
        return Task.isCancelled ? nil : timeout()
    }
}

/// Runs `body` and returns what it returns, or throws what `watch` returns as soon as it
/// returns an error, without waiting for `body`: `body` is cancelled and left to end when it
/// can. `watch` runs beside `body` and is cancelled once `body` ends (it returns nil then).
///
/// The caller's cancellation is passed on to `body`; with `abandonOnCancel` it also ends the
/// wait at once, with a `CancellationError`. Without it the wait goes on until `body` ends or
/// `watch` gives up: for a body that holds something (a leased connection) its caller must not
/// hand on while the body may still use it.
public func withAbandoningWatch<T: Sendable>(
    abandonOnCancel: Bool = true,
    _ body: @escaping @Sendable () async throws -> T, watch: @escaping @Sendable () async -> (any Error)?
) async throws -> T {
    let outcome = FirstOutcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            outcome.wait(with: continuation)
            let work = Task {
                do {
                    outcome.settle(.success(try await body()))
                } catch {
                    outcome.settle(.failure(error))
                }
            }
            let watcher = Task {
                if let error = await watch(), outcome.settle(.failure(error)) { work.cancel() }
            }
            outcome.onSettled { work.cancel(); watcher.cancel() }
            outcome.onCancel { work.cancel() }
        }
    } onCancel: {
        if abandonOnCancel { outcome.settle(.failure(CancellationError())) } else { outcome.cancel() }
    }
}

/// The first of several results, handed to one waiting continuation exactly once.
private final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
        var cleanup: (@Sendable () -> Void)?
        var cancelled = false
        var onCancel: (@Sendable () -> Void)?
        var settled = false
    }

    private let state = Mutex(State())

    func wait(with continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Runs `cleanup` once settled (at once if already).
    func onSettled(_ cleanup: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.settled { return true }
            state.cleanup = cleanup
            return false
        }
        if now { cleanup() }
    }

    /// Runs `handler` when ``cancel()`` is called (at once if it was already).
    func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.cancelled { return true }
            state.onCancel = handler
            return false
        }
        if now { handler() }
    }

    /// Passes the waiter's cancellation on, without settling.
    func cancel() {
        let handler = state.withLock { state -> (@Sendable () -> Void)? in
            state.cancelled = true
            defer { state.onCancel = nil }
            return state.onCancel
        }
        handler?()
    }

    /// Settles with `result` unless settled already; returns whether this call did.
    @discardableResult
    func settle(_ result: Result<T, any Error>) -> Bool {
        let (won, continuation, cleanup) = state.withLock { state -> (Bool, CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !state.settled else { return (false, nil, nil) }
            state.settled = true
            let continuation = state.continuation
            state.continuation = nil
            if continuation == nil { state.result = result }
            let cleanup = state.cleanup
            state.cleanup = nil
            return (true, continuation, cleanup)
        }
        continuation?.resume(with: result)
        cleanup?()
        return won
    }
}
