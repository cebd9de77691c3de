import Hummingbird
import Logging
import NIOCore
import PostgresResilience
import Synchronization

/// An OTLP/HTTP endpoint on loopback that accepts every trace export and keeps only counts: what
/// a benchmark exports to, so that tracing's cost is measured with its export and without a
/// collector's.
package final class OTLPSink: Sendable {
    private let counts = Mutex((exports: 0, bytes: 0))

    package init() {}

    /// Export requests received and their bytes.
    package var received: (exports: Int, bytes: Int) { counts.withLock { $0 } }

    /// Runs `body` with the sink listening; gives it the endpoint (`http://127.0.0.1:PORT`).
    package func withRunning<Result: Sendable>(logger: Logger, _ body: @Sendable (String) async throws -> Result) async throws -> Result {
        let router = Router()
        router.post("/v1/traces") { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 << 20)
            counts.withLock { $0.exports += 1; $0.bytes += body.readableBytes }
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"])
        }
        let port = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        return try await withServicesRunning([application], logger: logger) {
            var ports = port.stream.makeAsyncIterator()
            return try await body("http://127.0.0.1:\(await ports.next() ?? 0)")
        }
    }
}
