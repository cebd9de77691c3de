import Foundation

/// The URL the server listens on, once it does: callers of ``url()`` wait until then, or until
/// the server fails to start.
actor BoundAddress {
    private var result: Result<URL, any Error>?
    private var waiters: [CheckedContinuation<URL, any Error>] = []

    /// Waits for the server to be listening and returns its URL.
    func url() async throws -> URL {
        if let result { return try result.get() }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    /// Settles every waiter, present and future; only the first settlement counts.
    func settle(_ result: Result<URL, any Error>) {
        guard self.result == nil else { return }
        self.result = result
        for waiter in waiters { waiter.resume(with: result) }
        waiters = []
    }
}

/// The server stopped before it was listening.
struct SimulatorNotStarted: Error, CustomStringConvertible {
    var description: String { "the Buddi simulator stopped before it was listening" }
}
