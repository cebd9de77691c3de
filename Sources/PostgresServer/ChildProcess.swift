import Foundation

/// Starts programs with posix_spawn and waits with waitpid. (Foundation's `Process` can miss the
/// exit of a child whose own child, a daemon, lives on.)
package enum ChildProcess {
    /// A program that could not be started.
    package struct SpawnError: Error, CustomStringConvertible {
        package let program: String
        package let code: Int32
        package var description: String { "\(program): \(String(cString: strerror(code)))" }
    }

    /// Starts `argv` with stdin from /dev/null and stdout and stderr to `outputPath`, in
    /// `environment` (default: ours); returns its pid.
    package static func spawn(_ argv: [String], outputPath: String, environment: [String: String]? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
        guard code == 0 else { throw SpawnError(program: argv[0], code: code) }
        return pid
    }

    /// What the programs buddi runs for the embedded cluster (initdb, pg_ctl, postgres, runuser)
    /// are given of `environment`: the search path, the locale and the time zone, nothing else —
    /// no API key, no token, no database password.
    package static func serverEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var kept = environment.filter { name, _ in ["PATH", "LANG", "TZ"].contains(name) || name.hasPrefix("LC_") }
        if kept["PATH"] == nil { kept["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin" }
        return kept
    }

    /// The exit status in a `waitpid` status word: the code, or 128 + signal when killed.
    package static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Runs `argv` to completion from the root directory (the server's user may not be allowed
    /// into ours), in the ``serverEnvironment``; returns its exit status.
    static func run(_ argv: [String], outputPath: String) throws -> Int32 {
        let pid = try spawn(["/bin/sh", "-c", "cd / && exec \"$@\"", "sh"] + argv, outputPath: outputPath, environment: serverEnvironment())
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw SpawnError(program: argv[0], code: errno) }
        }
        return exitStatus(status)
    }

    /// Runs `argv` to completion (a `mount`, say), its output discarded; returns its exit status,
    /// or -1 when it cannot be started.
    package static func status(of argv: [String]) -> Int32 {
        (try? run(argv, outputPath: "/dev/null")) ?? -1
    }
}
