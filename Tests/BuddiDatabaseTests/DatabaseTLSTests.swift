@testable import PostgresServer
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import Logging
import PostgresNIO
import PostgresResilience
import Testing

/// A PostgreSQL server of the test's own with TLS on, certificates made with openssl: a CA, a
/// server certificate for `localhost` only, a client certificate for `certuser`, and another CA.
private struct TLSServer {
    let directory: String
    let port: Int
    let cluster: EmbeddedPostgres

    static func start() async throws -> TLSServer {
        let directory = "/tmp/buddi-tls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        let logger = Logger(label: "tls-test")
        let cluster = EmbeddedPostgres(dataDirectory: directory + "/pg")
        try await cluster.start(logger: logger)
        try await DatabaseProbe.withConnection(cluster.url, logger: logger) { connection in
            try await connection.query("CREATE ROLE certuser LOGIN", logger: logger)
        }
        try cluster.stop()
        let tls = directory + "/certs"
        try FileManager.default.createDirectory(atPath: tls, withIntermediateDirectories: false)
        for command in [
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=buddi-test-ca",
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt -days 2 -subj /CN=someone-else",
            "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost",
            "printf 'subjectAltName=DNS:localhost\\n' > san.ext",
            "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.ext",
            "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=certuser",
            "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2",
            "chmod 0600 server.key client.key",
        ] {
            try shell(command, in: tls)
        }
        let data = directory + "/pg"
        for file in ["server.crt", "server.key", "ca.crt"] {
            try FileManager.default.copyItem(atPath: "\(tls)/\(file)", toPath: "\(data)/\(file)")
            if geteuid() == 0, let postgres = getpwnam("postgres") { lchown("\(data)/\(file)", postgres.pointee.pw_uid, postgres.pointee.pw_gid) }
        }
        let port = Int.random(in: 20_000...60_000)
        let hba = try String(contentsOfFile: data + "/pg_hba.conf", encoding: .utf8)
        try ("""
            hostssl all certuser 127.0.0.1/32 cert
            hostssl all all 127.0.0.1/32 trust
            hostnossl all all 127.0.0.1/32 reject

            """ + hba).write(toFile: data + "/pg_hba.conf", atomically: false, encoding: .utf8)
        let handle = try #require(FileHandle(forWritingAtPath: data + "/postgresql.conf"))
        handle.seekToEndOfFile()
        handle.write(Data("""

            listen_addresses = '127.0.0.1'
            port = \(port)
            ssl = on
            ssl_cert_file = 'server.crt'
            ssl_key_file = 'server.key'
            ssl_ca_file = 'ca.crt'

            """.utf8))
        try handle.close()
        try ServerBinaries.locate().run("pg_ctl", ["start", "-D", data, "-w", "-t", "30", "-s", "-l", data + "/server.log"], step: "start the TLS server")
        return TLSServer(directory: directory, port: port, cluster: cluster)
    }

    func stop() {
        try? cluster.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var certs: String { directory + "/certs" }

    func url(_ settings: String, host: String = "localhost", user: String = "buddi") -> String {
        "postgres://\(user)@\(host):\(port)/buddi?\(settings)"
    }

    private static func shell(_ command: String, in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TLSTestError(description: "\(command) failed") }
    }
}

private struct TLSTestError: Error, CustomStringConvertible {
    let description: String
}

@Suite("TLS to PostgreSQL", .serialized)
struct DatabaseTLSTests {
    private let logger = Logger(label: "tls-test")

    /// Connects with `url` and says whether the session is encrypted; throws a one-line reason otherwise.
    private func encrypted(_ url: String, environment: [String: String] = [:]) async throws -> Bool {
        let parsed = try DatabaseURL(url, environment: environment)
        try await DatabaseProbe.check(parsed, logger: logger)
        let client = DatabaseClient(configuration: parsed.clientConfiguration, backgroundLogger: logger)
        return try await withServicesRunning(client: client, logger: logger) {
            for try await ssl in try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger).decode(Bool.self) {
                return ssl
            }
            return false
        }
    }

    private func failure(_ url: String) async -> String {
        do {
            try await DatabaseProbe.check(try DatabaseURL(url, environment: [:]), logger: logger)
            return "connected"
        } catch {
            return error.description
        }
    }

    @Test("libpq's sslmode against a real server with TLS: verify-full with the right CA and host, require, PGSSL* variables and client certificates work; a wrong host, an untrusted CA, no client certificate and no TLS are refused in one clear line")
    func sslModes() async throws {
        let server = try await TLSServer.start()
        defer { server.stop() }
        let ca = "sslrootcert=\(server.certs)/ca.crt"
        #expect(try await encrypted(server.url("sslmode=verify-full&\(ca)")))
        #expect(try await encrypted(server.url("sslmode=verify-ca&\(ca)", host: "127.0.0.1")), "verify-ca does not check the host")
        #expect(try await encrypted(server.url("sslmode=require", host: "127.0.0.1")), "require without a root certificate encrypts without verifying")
        #expect(try await encrypted(server.url("sslmode=prefer")))
        #expect(try await encrypted(
            "postgres://buddi@localhost:\(server.port)/buddi",
            environment: ["PGSSLMODE": "verify-full", "PGSSLROOTCERT": "\(server.certs)/ca.crt"]))
        #expect(try await encrypted(server.url("sslmode=verify-full&\(ca)&sslcert=\(server.certs)/client.crt&sslkey=\(server.certs)/client.key", user: "certuser")))

        let wrongHost = await failure(server.url("sslmode=verify-full&\(ca)", host: "127.0.0.1"))
        #expect(wrongHost.contains("TLS: the server's certificate does not name this host"), "\(wrongHost)")
        let untrusted = await failure(server.url("sslmode=verify-full&sslrootcert=\(server.certs)/other-ca.crt"))
        #expect(untrusted.contains("TLS: the server's certificate is not signed by a trusted CA"), "\(untrusted)")
        let requireUntrusted = await failure(server.url("sslmode=require&sslrootcert=\(server.certs)/other-ca.crt"))
        #expect(requireUntrusted.contains("not signed by a trusted CA"), "with sslrootcert, require verifies: \(requireUntrusted)")
        let noCertificate = await failure(server.url("sslmode=verify-full&\(ca)", user: "certuser"))
        #expect(noCertificate.contains("connection requires a valid client certificate"), "\(noCertificate)")
        let plain = await failure(server.url("sslmode=disable"))
        #expect(plain.contains("no encryption"), "\(plain)")
        for message in [wrongHost, untrusted, noCertificate, plain] { #expect(!message.contains("\n")) }

        #expect(throws: DatabaseError.invalidURL("sslcert and sslkey go together: give both, or neither")) {
            try DatabaseURL(server.url("sslmode=require&sslcert=\(server.certs)/client.crt"), environment: [:])
        }
        try "not a certificate".write(toFile: server.certs + "/garbage.pem", atomically: true, encoding: .utf8)
        #expect(throws: DatabaseError.invalidURL("sslcert \(server.certs)/garbage.pem holds no PEM certificate")) {
            try DatabaseURL(server.url("sslmode=require&sslcert=\(server.certs)/garbage.pem&sslkey=\(server.certs)/client.key"), environment: [:])
        }
        #expect(throws: DatabaseError.invalidURL("sslkey \(server.certs)/garbage.pem holds no PEM private key")) {
            try DatabaseURL(server.url("sslmode=require&sslcert=\(server.certs)/client.crt&sslkey=\(server.certs)/garbage.pem"), environment: [:])
        }
        #expect(throws: DatabaseError.invalidURL("unknown sslmode 'verify' (use disable, allow, prefer, require, verify-ca or verify-full)")) {
            try DatabaseURL("postgres://buddi@localhost/buddi", environment: ["PGSSLMODE": "verify"])
        }
        #expect(throws: DatabaseError.invalidURL("sslrootcert /nowhere/ca.crt cannot be read")) {
            try DatabaseURL(server.url("sslmode=verify-full&sslrootcert=/nowhere/ca.crt"), environment: [:])
        }
    }
}
