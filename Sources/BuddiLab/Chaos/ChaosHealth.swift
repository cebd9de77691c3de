import AsyncHTTPClient
import Foundation
import NIOCore

/// Asks a `buddi serve` on loopback for `/health`.
enum ChaosHealth {
    /// The status it answered (nil: none within 3 s) and how long the answer took.
    static func probe(port: Int) async -> (status: Int?, seconds: Double) {
        let started = ContinuousClock.now
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
        request.method = .GET
        let status = try? await HTTPClient.shared.execute(request, timeout: .seconds(3)).status.code
        return (status.map { Int($0) }, (ContinuousClock.now - started).inSeconds)
    }
}
