import NIOCore
import PostgresNIO

/// The driver configurations a URL stands for: one for the pool, one for a single connection,
/// from the same reading of host, socket and sslmode.
extension DatabaseURL {
    /// How long connecting may take before the server counts as unreachable.
    private static let connectSeconds: Int64 = 5

    private var socketPath: String? {
        socketDirectory.map { "\($0)/.s.PGSQL.\(port)" }
    }

    /// The pool's configuration for this URL, with the standard ``SessionLimits`` (a process
    /// passes its own to ``clientConfiguration(limits:)``).
    package var clientConfiguration: PostgresClient.Configuration {
        clientConfiguration(limits: .standard)
    }

    /// The pool's configuration for this URL, every session with `limits`; idle connections
    /// are checked with a `SELECT 1` every 10 s.
    package func clientConfiguration(limits: SessionLimits) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS = switch TLSPolicy(self) {
            case .off: .disable
            case .preferred(let settings): .prefer(settings)
            case .required(let settings): .require(settings)
            }
            configuration = .init(host: host ?? "localhost", port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(Self.connectSeconds)
        configuration.options.additionalStartupParameters = limits.startupParameters
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(10))
        return configuration
    }

    /// A single connection's configuration for this URL; throws if TLS cannot be set up.
    package func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS = switch TLSPolicy(self) {
            case .off: .disable
            case .preferred(let settings): .prefer(try .init(configuration: settings))
            case .required(let settings): .require(try .init(configuration: settings))
            }
            configuration = .init(host: host ?? "localhost", port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = TimeAmount.seconds(Self.connectSeconds)
        return configuration
    }
}
