import Foundation
import PostgresNIO

/// A parsed `postgres://user:password@host:port/database?sslmode=…&host=/socket/dir` URL.
///
/// A `host` query parameter (or an empty host) means a unix socket directory, as libpq reads it.
public struct DatabaseURL: Sendable, Equatable {
    /// TCP host, when not on a unix socket.
    public var host: String?
    /// TCP port, or the socket's port number.
    public var port: Int
    /// The unix socket directory, when not on TCP.
    public var socketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String
    /// `disable`, `prefer` (the default) or `require`.
    public var sslMode: String

    /// Parses a URL; the error names what is wrong and never repeats the password.
    public init(_ string: String) throws(DatabaseError) {
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
        let sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw .invalidURL("unknown sslmode '\(sslMode)' (use disable, prefer or require)")
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
    public init(socketDirectory: String, port: Int = 5432, username: String, database: String) {
        self.host = nil
        self.port = port
        self.socketDirectory = socketDirectory
        self.username = username
        self.password = nil
        self.database = database
        self.sslMode = "disable"
    }

    /// Where it points, for messages: never the password.
    public var target: String {
        if let socketDirectory { return "socket \(socketDirectory)/.s.PGSQL.\(port), database \(database)" }
        return "\(host ?? "?"):\(port), database \(database)"
    }

    /// The URL again, without the password (safe to print).
    public var redacted: String {
        var string = "postgresql://\(username)@\(host ?? ""):\(port)/\(database)"
        if let socketDirectory { string = "postgresql://\(username)@/\(database)?host=\(socketDirectory)&port=\(port)" }
        return string
    }

    /// The same server, another database.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }
}
