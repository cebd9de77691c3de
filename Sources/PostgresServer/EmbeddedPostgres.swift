import Foundation
import Logging
import PostgresNIO

/// A private PostgreSQL cluster in a data directory (default `./.buddi/postgres`), created and
/// started on first use, listening only on a unix socket (no TCP), so it never clashes with
/// another server. Starting is idempotent and safe from several processes at once.
package struct EmbeddedPostgres: Sendable {
    /// The superuser and database buddi uses in the cluster.
    package static let user = "buddi"
    package static let database = "buddi"

    /// The cluster's data directory (absolute): where it really lives (see ``requestedDirectory``).
    package let dataDirectory: String
    /// The data directory asked for (absolute). As root, when the `postgres` user cannot reach
    /// it (a parent directory is private), the cluster lives in a directory it can reach, and
    /// this path is a symbolic link to it.
    package let requestedDirectory: String

    /// The cluster in `dataDirectory` (relative paths are taken from the current directory).
    package init(dataDirectory: String) {
        let absolute = dataDirectory.hasPrefix("/")
            ? dataDirectory : FileManager.default.currentDirectoryPath + "/" + dataDirectory
        self.requestedDirectory = URL(fileURLWithPath: absolute).standardizedFileURL.path
        self.dataDirectory = ClusterLocation.resolve(requestedDirectory)
    }

    /// The socket directory: the data directory itself, or a short path under /tmp when the data
    /// directory's path is too long for a unix socket (108 bytes).
    package var socketDirectory: String {
        if dataDirectory.utf8.count + "/.s.PGSQL.5432".utf8.count < 100 { return dataDirectory }
        return "/tmp/buddi-pg-\(String(dataDirectory.hashValueStable, radix: 36))"
    }

    /// The URL of buddi's database in this cluster.
    package var url: DatabaseURL {
        DatabaseURL(socketDirectory: socketDirectory, username: Self.user, database: Self.database)
    }

    /// Whether the cluster exists and whether it runs.
    package enum Status: Sendable, Equatable {
        case notCreated, stopped, running
    }

    /// The cluster's status.
    package func status() throws(DatabaseError) -> Status {
        guard FileManager.default.fileExists(atPath: "\(dataDirectory)/PG_VERSION") else { return .notCreated }
        return try ServerBinaries.locate().status("pg_ctl", ["status", "-D", dataDirectory]) == 0 ? .running : .stopped
    }

    /// Creates the cluster if needed, starts it if stopped, and creates buddi's database.
    package func start(logger: Logger) async throws {
        let binaries = try ServerBinaries.locate()
        try withFileLock {
            if !FileManager.default.fileExists(atPath: "\(dataDirectory)/PG_VERSION") {
                logger.info("creating the embedded PostgreSQL cluster", metadata: ["data_dir": "\(dataDirectory)"])
                if dataDirectory != requestedDirectory {
                    logger.info(
                        "the postgres user cannot reach the data directory asked for (a parent directory is private): the cluster lives where it can, linked from there",
                        metadata: ["requested": "\(requestedDirectory)", "data_dir": "\(dataDirectory)"])
                }
                try create(binaries)
                try ClusterLocation.link(requestedDirectory, to: dataDirectory)
            }
            if binaries.status("pg_ctl", ["status", "-D", dataDirectory]) != 0 {
                logger.info("starting the embedded PostgreSQL cluster", metadata: ["socket_dir": "\(socketDirectory)"])
                try prepareSocketDirectory()
                do throws(DatabaseError) {
                    try binaries.run(
                        "pg_ctl", ["start", "-D", dataDirectory, "-w", "-t", "60", "-s", "-l", "\(dataDirectory)/server.log"],
                        step: "start (see \(dataDirectory)/server.log)")
                } catch {
                    throw namingDiskFull(error)
                }
            }
        }
        try await createDatabaseIfMissing(logger: logger)
    }

    /// How the server stops.
    package enum StopMode: String, Sendable {
        /// Running transactions are rolled back, and the server shuts down cleanly.
        case fast
        /// Every server process quits at once, as in a crash: the next start recovers from the
        /// WAL, and what was committed without waiting for its flush may be lost.
        case immediate
    }

    /// Stops the cluster (fast shutdown by default).
    package func stop(mode: StopMode = .fast) throws {
        let binaries = try ServerBinaries.locate()
        try withFileLock {
            guard try status() == .running else { return }
            try binaries.run("pg_ctl", ["stop", "-D", dataDirectory, "-m", mode.rawValue, "-w", "-s"], step: "stop")
        }
    }

    private func create(_ binaries: ServerBinaries) throws(DatabaseError) {
        if dataDirectory != requestedDirectory { try makeDirectory(ClusterLocation.relocationRoot, mode: 0o755, own: false) }
        try makeDirectory(dataDirectory, mode: 0o700)
        try binaries.run(
            "initdb", ["-D", dataDirectory, "-U", Self.user, "-A", "trust", "-E", "UTF8", "--no-locale"],
            step: "initdb")
        let settings = """

            # Written by buddi: a private cluster on a unix socket only.
            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory)'
            max_connections = 200
            shared_buffers = 256MB
            # Short queries only: JIT compilation would cost more than it saves.
            jit = off
            """
        guard let handle = FileHandle(forWritingAtPath: "\(dataDirectory)/postgresql.conf") else {
            throw .embeddedClusterFailed(step: "configure", detail: "cannot write \(dataDirectory)/postgresql.conf")
        }
        handle.seekToEndOfFile()
        handle.write(Data(settings.utf8))
        try? handle.close()
    }

    /// Makes the socket directory under /tmp when the data directory is too long to hold the
    /// socket; one that is there already is used only if it is a real directory (not a symbolic
    /// link) that the server's user owns and no one else may write.
    private func prepareSocketDirectory() throws(DatabaseError) {
        guard socketDirectory != dataDirectory else { return }
        var info = stat()
        if lstat(socketDirectory, &info) != 0 {
            try makeDirectory(socketDirectory, mode: 0o700)
            // Checked again: someone may have made it between the look and the make.
            guard lstat(socketDirectory, &info) == 0 else {
                throw .embeddedClusterFailed(step: "create \(socketDirectory)", detail: String(cString: strerror(errno)))
            }
        }
        let owner = ServerBinaries.mustSwitchUser ? getpwnam("postgres")?.pointee.pw_uid : getuid()
        guard info.st_mode & S_IFMT == S_IFDIR, info.st_uid == owner, info.st_mode & 0o022 == 0 else {
            throw .embeddedClusterFailed(
                step: "use the socket directory \(socketDirectory)",
                detail: "it is not a directory of the server's user that only it can write (owner uid \(info.st_uid), mode \(String(info.st_mode & 0o7777, radix: 8))); remove it, or set a shorter BUDDI_DATA_DIR")
        }
    }

    /// Creates a directory (and parents) that the server's user owns (unless `own` is false).
    private func makeDirectory(_ path: String, mode: Int, own: Bool = true) throws(DatabaseError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        } catch {
            throw .embeddedClusterFailed(step: "create \(path)", detail: error.localizedDescription)
        }
        guard ServerBinaries.mustSwitchUser, own else { return }
        guard let user = getpwnam("postgres") else {
            throw .embeddedClusterFailed(step: "create \(path)", detail: "running as root needs the 'postgres' OS user (install postgresql-15)")
        }
        // lchown: a symbolic link planted at the path is not followed.
        if lchown(path, user.pointee.pw_uid, user.pointee.pw_gid) != 0 {
            throw .embeddedClusterFailed(step: "create \(path)", detail: "cannot give it to the postgres user: \(String(cString: strerror(errno)))")
        }
        if access(path, F_OK) == 0, !postgresCanEnter(path) {
            throw .embeddedClusterFailed(
                step: "create \(path)",
                detail: "the postgres user cannot reach it (a parent directory is private); set BUDDI_DATA_DIR to a path it can reach")
        }
    }

    private func postgresCanEnter(_ path: String) -> Bool {
        let status = try? ChildProcess.run(["/usr/sbin/runuser", "-u", "postgres", "--", "test", "-w", path], outputPath: "/dev/null")
        return status == 0
    }

    private func createDatabaseIfMissing(logger: Logger) async throws {
        try await DatabaseProbe.withConnection(url.with(database: "postgres"), logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT 1 FROM pg_database WHERE datname = \(Self.database)", logger: logger)
            for try await _ in rows { return }
            do {
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(Self.database)"), logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P04" {
                // Created by a concurrent process: fine.
            }
        }
    }

    /// Serializes create/start/stop across processes with an exclusive lock on a file beside
    /// the data directory.
    private func withFileLock<T>(_ body: () throws -> T) throws -> T {
        let lockPath = dataDirectory + ".lock"
        try? FileManager.default.createDirectory(
            atPath: (lockPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let descriptor = open(lockPath, O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else {
            throw DatabaseError.embeddedClusterFailed(step: "lock", detail: "cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        flock(descriptor, LOCK_EX)
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per process).
    var hashValueStable: UInt64 {
        utf8.reduce(14_695_981_039_346_656_037) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }
}
