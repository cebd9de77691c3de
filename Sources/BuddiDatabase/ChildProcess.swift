import Foundation

/// Runs a program to completion with posix_spawn and waitpid. (Foundation's `Process` can miss
/// the exit of a child whose own child, a daemon, lives on.)
enum ChildProcess {
    struct SpawnError: Error, CustomStringConvertible {
        let program: String
        let code: Int32
        var description: String { "\(program): \(String(cString: strerror(code)))" }
    }

    /// Runs `argv` from the root directory, with stdin from /dev/null and stdout and stderr to `outputPath`; returns the
    /// exit status (128 + signal when killed).
    static func run(_ argv: [String], outputPath: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Start in / (through sh): the server's user may not be allowed into our directory.
        let argv = ["/bin/sh", "-c", "cd / && exec \"$@\"", "sh"] + argv
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard code == 0 else { throw SpawnError(program: argv[0], code: code) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw SpawnError(program: argv[0], code: errno) }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
