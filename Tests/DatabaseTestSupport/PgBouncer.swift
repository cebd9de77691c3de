import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real PgBouncer (Debian's `pgbouncer`, 1.18; `scripts/install-tools` installs it) in
/// transaction-pooling mode in front of a PostgreSQL server that listens on a unix socket: a
/// child process with its configuration, auth file and log in a temporary directory of its own,
/// listening on 127.0.0.1 only. Started as root, it runs as the user `postgres`.
///
/// Each transaction (each statement outside one) may run on another server connection, and a
/// server connection passes from client to client as it is: `SET` and `LISTEN` do not follow the
/// client (a later client may find them), nor do session advisory locks or named prepared
/// statements (PgBouncer 1.18 does not support those: `prepared statement … does not exist`).
/// Unnamed statements, which PostgresNIO's `query` sends, work.
///
/// Startup parameters PgBouncer 1.18 refuses (`unsupported startup parameter`) are ignored, so
/// they do not reach the server: among them the session limits a `buddi` client sends.
package final class PgBouncer: Sendable {
    /// The address it listens on: "127.0.0.1".
    package let host: String = "127.0.0.1"
    /// The TCP port it listens on, picked free when it started.
    package let port: Int
    /// Its directory: pgbouncer.ini, userlist.txt and pgbouncer.log (its output).
    package let directory: String
    /// The child's pid while it has not been stopped.
    private let pid: Mutex<pid_t?>

    /// The startup parameters that PgBouncer drops instead of refusing the connection:
    /// those of libpq-style clients and the session limits of buddi's (`SessionLimits`).
    package static let ignoredStartupParameters = [
        "extra_float_digits", "options", "statement_timeout", "idle_in_transaction_session_timeout",
        "tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count",
    ]

    private init(port: Int, directory: String, pid: pid_t) {
        self.port = port
        self.directory = directory
        self.pid = Mutex(pid)
    }

    /// Starts a PgBouncer whose database `database` (and, through the `*` entry, any other
    /// database of the same server) is the server on `upstreamSocketDirectory`/`upstreamPort`,
    /// with `user` as its one client user (trust authentication). Returns once it accepts TCP
    /// connections; throws, with its log, when it does not within 10 s.
    package static func start(upstreamSocketDirectory: String, upstreamPort: Int = 5432, database: String, user: String) async throws -> PgBouncer {
        let executable = try executablePath()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgbouncer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        var started = false
        defer { if !started { try? FileManager.default.removeItem(atPath: directory) } }
        let logPath = "\(directory)/pgbouncer.log"
        let upstream = "host=\(upstreamSocketDirectory) port=\(upstreamPort)"
        // Another process may take the free port before PgBouncer binds it: try again then.
        for attempt in 1...3 {
            let port = try freePort()
            let config = """
                [databases]
                \(database) = \(upstream) dbname=\(database)
                * = \(upstream)

                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = \(port)
                unix_socket_dir =
                auth_type = trust
                auth_file = \(directory)/userlist.txt
                admin_users = \(user)
                pool_mode = transaction
                max_client_conn = 100
                default_pool_size = 4
                server_reset_query =
                ignore_startup_parameters = \(ignoredStartupParameters.joined(separator: ","))
                logfile =
                pidfile =

                """
            try write(config, to: "\(directory)/pgbouncer.ini")
            try write("\"\(user.replacingOccurrences(of: "\"", with: "\"\""))\" \"\"\n", to: "\(directory)/userlist.txt")
            // PgBouncer refuses to run as root; `-u` drops to the user once it has read its files.
            // Its log goes to its output (its own logfile it would open as that user).
            let argv = [executable] + (geteuid() == 0 ? ["-u", "postgres"] : []) + ["\(directory)/pgbouncer.ini"]
            let pid = try spawn(argv, outputPath: logPath)
            var exited = false
            do {
                let deadline = ContinuousClock.now + .seconds(10)
                while ContinuousClock.now < deadline {
                    if accepts(port: port) {
                        started = true
                        return PgBouncer(port: port, directory: directory, pid: pid)
                    }
                    var status: Int32 = 0
                    let waited = waitpid(pid, &status, WNOHANG)
                    if waited == pid || (waited == -1 && errno == ECHILD) {
                        exited = true
                        break
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
            } catch {
                terminate(pid)
                throw error
            }
            if !exited { terminate(pid) }
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if exited && log.contains("Address already in use") && attempt < 3 { continue }
            let what = exited ? "exited" : "did not accept connections within 10 s"
            throw PgBouncerError(description: "pgbouncer (\(argv.joined(separator: " "))) \(what) on 127.0.0.1:\(port); its log:\n\(log)\nits configuration:\n\(config)")
        }
        throw PgBouncerError(description: "pgbouncer found no free port")
    }

    /// Stops it (SIGTERM, then SIGKILL after 2 s) and removes its directory. Again is a no-op.
    package func stop() {
        let running = pid.withLock { value in
            let current = value
            value = nil
            return current
        }
        guard let running else { return }
        Self.terminate(running)
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit {
        stop()
    }

    /// Sends SIGTERM, waits up to 2 s for the exit, then SIGKILLs; reaps the child.
    private static func terminate(_ pid: pid_t) {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid || (waited == -1 && errno != EINTR) { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }

    /// /usr/sbin/pgbouncer, or the first `pgbouncer` on PATH.
    private static func executablePath() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = ["/usr/sbin"] + path.split(separator: ":").map(String.init)
        for directory in candidates where FileManager.default.isExecutableFile(atPath: "\(directory)/pgbouncer") {
            return "\(directory)/pgbouncer"
        }
        throw PgBouncerError(description: "pgbouncer is not installed (scripts/install-tools installs it)")
    }

    private static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
    }

    /// Starts `argv` with stdin from /dev/null and stdout and stderr to `outputPath`, with no
    /// signal blocked (a Dispatch thread, which may be ours, blocks SIGTERM; the child would
    /// inherit that and ignore `stop()`'s SIGTERM).
    private static func spawn(_ argv: [String], outputPath: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var defaulted = sigset_t()
        sigemptyset(&defaulted)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaulted, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaulted)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = argv.map { strdup($0) } + [nil]
        let environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        guard code == 0 else { throw PgBouncerError(description: "cannot start \(argv[0]): \(String(cString: strerror(code)))") }
        return pid
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: UInt32(0x7f00_0001).bigEndian)
        return address
    }

    private static func tcpSocket() -> Int32 {
        #if canImport(Glibc)
        return socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        return socket(AF_INET, SOCK_STREAM, 0)
        #endif
    }

    /// A port on 127.0.0.1 that no one listens on now: the kernel's pick for port 0.
    private static func freePort() throws -> Int {
        let fd = tcpSocket()
        guard fd >= 0 else { throw PgBouncerError(description: "socket(): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw PgBouncerError(description: "bind(127.0.0.1:0): \(String(cString: strerror(errno)))") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw PgBouncerError(description: "getsockname(): \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a TCP connection to 127.0.0.1:`port` succeeds now.
    private static func accepts(port: Int) -> Bool {
        let fd = tcpSocket()
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let address = loopback(port: port)
        return withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// A PgBouncer that could not be started, with its log.
package struct PgBouncerError: Error, CustomStringConvertible {
    package let description: String
}
