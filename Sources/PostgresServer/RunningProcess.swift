import Foundation

/// A child process started with ``ChildProcess/spawn(_:outputPath:environment:)``, its output in
/// a file: signalled, waited for with a timeout, killed when dropped.
package final class RunningProcess: @unchecked Sendable {
    package let pid: pid_t
    package let outputPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `argv` in `environment`, its stdout and stderr to a new file under the temporary
    /// directory (named after `label`).
    package init(_ argv: [String], environment: [String: String], label: String = "buddi") throws {
        outputPath = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString).log"
        pid = try ChildProcess.spawn(argv, outputPath: outputPath, environment: environment)
    }

    /// Sends a signal (if it still runs).
    package func signal(_ signal: Int32) {
        if poll() == nil { kill(pid, signal) }
    }

    /// Waits for the exit, up to `timeout`; returns the exit status (128 + signal), or nil.
    package func wait(timeout: Duration = .seconds(60)) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = poll() { return status }
            try await Task.sleep(for: .milliseconds(20))
        }
        return poll()
    }

    /// The exit status, if it has exited.
    package func poll() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        exitStatus = ChildProcess.exitStatus(status)
        return exitStatus
    }

    /// What it printed so far.
    package var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    deinit {
        if poll() == nil {
            kill(pid, SIGKILL)
            _ = waitpid(pid, nil, 0)
        }
    }
}
