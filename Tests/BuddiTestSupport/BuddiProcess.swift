import BuddiDatabase
import Foundation

/// A real `buddi` process (the binary built next to the tests), with its output in a file.
public final class BuddiProcess: @unchecked Sendable {
    public let pid: pid_t
    public let outputPath: String
    private var exitStatus: Int32?

    /// The `buddi` executable built with the tests.
    public static var executable: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("buddi").path
    }

    /// Starts `buddi arguments…` with DATABASE_URL pointing at `database` (unless nil).
    public init(_ arguments: [String], databaseURL: String?, environment: [String: String] = [:]) throws {
        outputPath = NSTemporaryDirectory() + "buddi-test-\(UUID().uuidString).log"
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = databaseURL
        env["LOG_LEVEL"] = env["LOG_LEVEL"] ?? "info"
        for (key, value) in environment { env[key] = value }
        let pid = try ChildProcess.spawn([Self.executable] + arguments, outputPath: outputPath, environment: env)
        self.pid = pid
    }

    /// Sends a signal.
    public func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the exit, up to `timeout`; returns the exit status (128 + signal), or nil.
    public func wait(timeout: Duration = .seconds(60)) async throws -> Int32? {
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
        exitStatus = ChildProcess.exitStatus(status)
        return exitStatus
    }

    /// What it printed so far.
    public var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Runs `buddi arguments…` to completion; returns its status and output.
    public static func run(_ arguments: [String], databaseURL: String?, environment: [String: String] = [:]) async throws -> (status: Int32?, output: String) {
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
