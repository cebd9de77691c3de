/// An HTTP attempt that did not finish, body included, within the request timeout.
struct AttemptDeadline: Error, CustomStringConvertible {
    let limit: Duration

    var description: String { "no whole response within the \(limit.secondsDescription) request timeout" }

    /// Runs `body`, cancelling it and throwing ``AttemptDeadline`` once `limit` has passed.
    static func within<Result: Sendable>(
        _ limit: Duration, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else { throw AttemptDeadline(limit: limit) }
            return result
        }
    }
}
