import Foundation
import PostgresServer

/// Runs `body` with an embedded cluster of its own (not initialised yet), in a directory the
/// server's user can reach; stops the cluster and removes the directory afterwards. For tests
/// that stop, start or fill their server.
package func withPrivateCluster(_ body: (EmbeddedPostgres) async throws -> Void) async throws {
    let base = NSTemporaryDirectory() + "buddi-cluster-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
    let cluster = EmbeddedPostgres(dataDirectory: base + "/postgres")
    defer {
        try? cluster.stop(mode: .immediate)
        try? FileManager.default.removeItem(atPath: base)
    }
    try await body(cluster)
}
