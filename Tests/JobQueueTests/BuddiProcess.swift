import BuddiDatabase
import Foundation

/// A real `buddi` process (the binary built next to the tests), with its output in a file.
final class BuddiProcess: @unchecked Sendable {
    let pid: pid_t
    let outputPath: String
    private var exitStatus: Int32?

    /// The `buddi` executable built with the tests.
    static var executable: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("buddi").path
    }

    /// Starts `buddi arguments…` with DATABASE_URL pointing at `database` (unless nil).
    init(_ arguments: [String], databaseURL: String?, environment: [String: String] = [:]) throws {
        outputPath = NSTemporaryDirectory() + "buddi-test-\(UUID().uuidString).log"
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = databaseURL
        env["LOG_LEVEL"] = env["LOG_LEVEL"] ?? "info"
        for (key, value) in environment { env[key] = value }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = [Self.executable] + arguments
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, Self.executable, &actions, nil, cArgs, cEnv)
        guard code == 0 else { throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EINVAL) }
        self.pid = pid
    }

    /// Sends a signal.
    func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the exit, up to `timeout`; returns the exit status (128 + signal), or nil.
    func wait(timeout: Duration = .seconds(60)) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = poll() { return status }
            try await Task.sleep(for: .milliseconds(20))
        }
        return poll()
    }

    private func poll() -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let signal = status & 0x7f
        exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return exitStatus
    }

    /// What it printed so far.
    var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Runs `buddi arguments…` to completion; returns its status and output.
    static func run(_ arguments: [String], databaseURL: String?, environment: [String: String] = [:]) async throws -> (status: Int32?, output: String) {
        let process = try BuddiProcess(arguments, databaseURL: databaseURL, environment: environment)
        let status = try await process.wait()
        return (status, process.output)
    }

    deinit {
        if poll() == nil {
            kill(pid, SIGKILL)
            _ = waitpid(pid, nil, 0)
        }
    }
}
