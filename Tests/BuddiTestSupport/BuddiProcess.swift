import DatabaseTestSupport
import PostgresServer
import Foundation

/// A real `buddi` (or `buddi-lab`) process, the binary built next to the tests, with its output
/// in a file.
package final class BuddiProcess: Sendable {
    private let process: RunningProcess

    /// The executables built with the tests.
    package enum Program: String, Sendable {
        /// What operators deploy.
        case buddi
        /// The benchmarks and the chaos suite.
        case lab = "buddi-lab"

        /// Its path, beside the tests.
        package var path: String {
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent(rawValue).path
        }
    }

    /// The `buddi` executable built with the tests.
    package static var executable: String { Program.buddi.path }

    /// Starts `program arguments…` with DATABASE_URL pointing at `database` (unless nil).
    package init(_ arguments: [String], program: Program = .buddi, databaseURL: String?, environment: [String: String] = [:]) throws {
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = databaseURL
        env["LOG_LEVEL"] = env["LOG_LEVEL"] ?? "info"
        for (key, value) in environment { env[key] = value }
        process = try RunningProcess([program.path] + arguments, environment: env, label: "buddi-test")
    }

    package var pid: pid_t { process.pid }
    package var outputPath: String { process.outputPath }

    /// Sends a signal.
    package func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// Waits for the exit, up to `timeout`; returns the exit status (128 + signal), or nil.
    package func wait(timeout: Duration = .seconds(60)) async throws -> Int32? {
        try await process.wait(timeout: timeout)
    }

    /// What it printed so far.
    package var output: String { process.output }

    /// Runs `program arguments…` to completion; returns its status and output.
    package static func run(
        _ arguments: [String], program: Program = .buddi, databaseURL: String?, environment: [String: String] = [:]
    ) async throws -> (status: Int32?, output: String) {
        let process = try BuddiProcess(arguments, program: program, databaseURL: databaseURL, environment: environment)
        let status = try await process.wait()
        return (status, process.output)
    }

    /// The value of `field=` on the first log line that says `message`, once there is one
    /// (within a minute); nil if none came.
    package func logged(_ message: String, field: String) async throws -> String? {
        var value: String?
        _ = try await eventually(timeout: .seconds(60)) {
            guard let line = output.split(separator: "\n").first(where: { $0.contains(message) }),
                let range = line.range(of: "\(field)=") else { return false }
            value = String(line[range.upperBound...].prefix { !$0.isWhitespace })
            return true
        }
        return value
    }
}
