import Foundation
import PostgresNIO

/// A parsed `postgres://user:password@host:port/database?sslmode=…&host=/socket/dir` URL.
///
/// A `host` query parameter (or an empty host) means a unix socket directory, as libpq reads it.
/// TLS follows libpq too: `sslmode` (disable, allow, prefer, require, verify-ca, verify-full),
/// `sslrootcert`, `sslcert` and `sslkey`, from the URL or else from `PGSSLMODE`, `PGSSLROOTCERT`,
/// `PGSSLCERT` and `PGSSLKEY`.
package struct DatabaseURL: Sendable, Equatable {
    /// TCP host, when not on a unix socket.
    package var host: String?
    /// TCP port, or the socket's port number.
    package var port: Int
    /// The unix socket directory, when not on TCP.
    package var socketDirectory: String?
    package var username: String
    package var password: String?
    package var database: String
    /// `disable`, `allow`, `prefer` (the default), `require`, `verify-ca` or `verify-full`.
    package var sslMode: String
    /// The CA certificates (PEM) the server's certificate must chain to; with it, `require`
    /// verifies like `verify-ca`.
    package var sslRootCert: String?
    /// A client certificate (PEM) and its key, for certificate authentication.
    package var sslCert: String?
    package var sslKey: String?

    /// Parses a URL, taking TLS settings it lacks from `environment`'s `PGSSL*` variables; the
    /// error names what is wrong and never repeats the password.
    package init(_ string: String, environment: [String: String] = [:]) throws(DatabaseError) {
        guard let components = URLComponents(string: string) else {
            throw .invalidURL("it does not parse as a URL (expected postgres://user@host:port/database)")
        }
        guard let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw .invalidURL("the scheme must be postgres:// or postgresql://, got '\(components.scheme ?? "")'")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let host = components.percentEncodedHost.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        let socket = query["host"].flatMap { $0.isEmpty ? nil : $0 }
        if let socket, !socket.hasPrefix("/") {
            throw .invalidURL("the host parameter must be an absolute socket directory, got '\(socket)'")
        }
        if host == nil, socket == nil {
            throw .invalidURL("no host: give host:port, or ?host=/socket/directory")
        }
        let port = components.port ?? query["port"].flatMap { Int($0) } ?? 5432
        if !(1...65535).contains(port) {
            throw .invalidURL("port \(port) is out of range")
        }
        guard let user = components.user.flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw .invalidURL("no user name (postgres://USER@host/database)")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let setting = { (name: String, variable: String) in
            query[name].flatMap { $0.isEmpty ? nil : $0 } ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        let sslMode = setting("sslmode", "PGSSLMODE") ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw .invalidURL("unknown sslmode '\(sslMode)' (use disable, allow, prefer, require, verify-ca or verify-full)")
        }
        self.sslRootCert = setting("sslrootcert", "PGSSLROOTCERT")
        self.sslCert = setting("sslcert", "PGSSLCERT")
        self.sslKey = setting("sslkey", "PGSSLKEY")
        if (sslCert == nil) != (sslKey == nil) {
            throw .invalidURL("sslcert and sslkey go together: give both, or neither")
        }
        for (name, path) in [("sslrootcert", sslRootCert), ("sslcert", sslCert), ("sslkey", sslKey)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw .invalidURL("\(name) \(path) cannot be read")
            }
        }
        // Loaded once here so that a file that is not PEM is said now, not as a failed handshake.
        for (name, path) in [("sslrootcert", sslRootCert), ("sslcert", sslCert)] {
            if let path, ((try? NIOSSLCertificate.fromPEMFile(path)) ?? []).isEmpty {
                throw .invalidURL("\(name) \(path) holds no PEM certificate")
            }
        }
        if let path = sslKey, (try? NIOSSLPrivateKey(file: path, format: .pem)) == nil {
            throw .invalidURL("sslkey \(path) holds no PEM private key")
        }
        self.host = socket == nil ? host : nil
        self.port = port
        self.socketDirectory = socket
        self.username = user
        self.password = components.password
        self.database = path.isEmpty ? user : path
        self.sslMode = sslMode
    }

    /// A URL on a unix socket directory, with no password.
    package init(socketDirectory: String, port: Int = 5432, username: String, database: String) {
        self.host = nil
        self.port = port
        self.socketDirectory = socketDirectory
        self.username = username
        self.password = nil
        self.database = database
        self.sslMode = "disable"
        self.sslRootCert = nil
        self.sslCert = nil
        self.sslKey = nil
    }

    /// Where it points, for messages: never the password.
    package var target: String {
        if let socketDirectory { return "socket \(socketDirectory)/.s.PGSQL.\(port), database \(database)" }
        return "\(host ?? "?"):\(port), database \(database)"
    }

    /// The URL again, without the password (safe to print), with its TLS settings.
    package var redacted: String {
        var string = "postgresql://\(username)@\(host ?? ""):\(port)/\(database)"
        if let socketDirectory { return "postgresql://\(username)@/\(database)?host=\(socketDirectory)&port=\(port)" }
        let tls = [("sslmode", sslMode), ("sslrootcert", sslRootCert), ("sslcert", sslCert), ("sslkey", sslKey)]
            .compactMap { name, value in value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0)" } }
        string += "?" + tls.joined(separator: "&")
        return string
    }

    /// The same server, another database.
    package func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }
}
