import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import PostgresResilience

/// Opens one connection to check that the server is there and lets us in, turning the driver's
/// errors into one line that names the server.
package enum DatabaseProbe {
    /// Connects once and runs `SELECT 1`; throws `DatabaseError.unreachable` otherwise.
    package static func check(_ url: DatabaseURL, logger: Logger) async throws(DatabaseError) {
        do {
            try await withConnection(url, logger: logger) { try await $0.query("SELECT 1", logger: logger) }
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw .unreachable(target: url.target, reason: reason(error))
        }
    }

    /// How often ``waitUntilReachable(_:logger:)`` tries again. Defaults to 1 second.
    package static let retryIntervalDefault: Duration = .seconds(1)

    /// ``check(_:logger:)``, but while the server is down or still starting (no socket, refused,
    /// not yet accepting connections) it waits, trying every ``retryIntervalDefault`` and saying
    /// so once, as a long-running process started during an outage should. What waiting cannot
    /// mend (authentication, TLS, a missing database) throws at once.
    package static func waitUntilReachable(_ url: DatabaseURL, logger: Logger) async throws {
        var said = false
        while true {
            do {
                try await withConnection(url, logger: logger, classify: true) { try await $0.query("SELECT 1", logger: logger) }
                if said { logger.info("PostgreSQL accepts connections", metadata: ["target": "\(url.target)"]) }
                return
            } catch let away as ServerAway {
                if !said {
                    logger.warning("PostgreSQL is not accepting connections; waiting for it", metadata: [
                        "target": "\(url.target)", "reason": "\(reason(away.error))"])
                    said = true
                }
                try await Task.sleep(for: retryIntervalDefault)
            } catch let error as DatabaseError {
                throw error
            } catch {
                throw DatabaseError.unreachable(target: url.target, reason: reason(error))
            }
        }
    }

    /// A server that is down or starting: waiting may mend it.
    private struct ServerAway: Error {
        let error: any Error
    }

    /// Runs `body` on a single connection (used where a pool is not worth it).
    @discardableResult
    package static func withConnection<T: Sendable>(
        _ url: DatabaseURL, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection(url, logger: logger, classify: false, body)
    }

    /// `withConnection`; with `classify`, a server that is down or starting throws ``ServerAway``.
    private static func withConnection<T: Sendable>(
        _ url: DatabaseURL, logger: Logger, classify: Bool, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(),
                configuration: try url.connectionConfiguration(), id: 0, logger: logger)
        } catch {
            if classify, DatabaseInterruption.isInterruption(error), tlsReason(error) == nil,
                (error as? PSQLError)?.underlying.flatMap(tlsReason) == nil {
                throw ServerAway(error: error)
            }
            throw DatabaseError.unreachable(target: url.target, reason: reason(error))
        }
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The driver's error in a few words: the server's message, or the socket error.
    package static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.description }
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let message = error.serverInfo?[.message] { return message }
        if let underlying = error.underlying {
            if let io = underlying as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
            if let tls = tlsReason(underlying) { return tls }
            if underlying is NIOConnectionError { return "connection refused" }
            if let channelError = underlying as? ChannelError, case .connectTimeout = channelError { return "connection timed out" }
            return String(describing: underlying)
        }
        if let tls = tlsReason(error) { return tls }
        return "\(error.code)"
    }

    /// A TLS failure said plainly: an untrusted certificate, one for another host, a server
    /// without TLS.
    private static func tlsReason(_ error: any Error) -> String? {
        let text = String(reflecting: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS: the server's certificate is not signed by a trusted CA (check sslrootcert)"
        }
        if text.contains("failedToValidateHostname") || text.contains("in certificate from peer") {
            return "TLS: the server's certificate does not name this host (sslmode=verify-full checks it)"
        }
        if text.contains("sslUnsupported") || text.contains("does not support TLS") {
            return "TLS: the server does not accept TLS connections (sslmode requires it)"
        }
        return nil
    }
}
