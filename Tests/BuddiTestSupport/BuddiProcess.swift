import PostgresServer
import Foundation

/// A real `buddi` process (the binary built next to the tests), with its output in a file.
public final class BuddiProcess: Sendable {
    private let process: RunningProcess

    /// The `buddi` executable built with the tests.
    public static var executable: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("buddi").path
    }

    /// Starts `buddi arguments…` with DATABASE_URL pointing at `database` (unless nil).
    public init(_ arguments: [String], databaseURL: String?, environment: [String: String] = [:]) throws {
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = databaseURL
        env["LOG_LEVEL"] = env["LOG_LEVEL"] ?? "info"
        for (key, value) in environment { env[key] = value }
        process = try RunningProcess([Self.executable] + arguments, environment: env, label: "buddi-test")
    }

    public var pid: pid_t { process.pid }
    public var outputPath: String { process.outputPath }

    /// Sends a signal.
    public func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// Waits for the exit, up to `timeout`; returns the exit status (128 + signal), or nil.
    public func wait(timeout: Duration = .seconds(60)) async throws -> Int32? {
        try await process.wait(timeout: timeout)
    }

    /// What it printed so far.
    public var output: String { process.output }

    /// Runs `buddi arguments…` to completion; returns its status and output.
    public static func run(_ arguments: [String], databaseURL: String?, environment: [String: String] = [:]) async throws -> (status: Int32?, output: String) {
        let process = try BuddiProcess(arguments, databaseURL: databaseURL, environment: environment)
        let status = try await process.wait()
        return (status, process.output)
    }
}
