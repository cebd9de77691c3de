import Testing

/// Expects `condition` to hold within `timeout` (polling every 20 ms).
package func expectEventually(
    timeout: Duration = .seconds(30), _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
) async throws {
    let held = try await eventually(timeout: timeout, condition)
    #expect(held, comment, sourceLocation: sourceLocation)
}
