import PostgresResilience
import Foundation
import Logging
import PostgresNIO
import PostgresServer

/// The ingest benchmark's workers as `buddi worker` processes, as production runs them, pointed
/// at the scratch database and the in-process simulator; stopped with SIGTERM.
final class WorkerProcesses: Sendable {
    private let processes: [RunningProcess]

    init(executable: String, count: Int, concurrency: Int, database: DatabaseURL, apiBaseURL: String) throws {
        var environment = ProcessInfo.processInfo.environment
        // The worker's own configuration: the scratch database (its password, if it has one, is
        // what the worker needs to connect) and the simulator, unthrottled.
        environment["DATABASE_URL"] = Self.connectionString(database)
        environment["BUDDI_API_BASE_URL"] = apiBaseURL
        environment["BUDDI_API_KEY"] = "bench"
        environment["BUDDI_API_REQUESTS_PER_SECOND"] = "100000"
        environment["BUDDI_API_BURST"] = "1000"
        environment["LOG_LEVEL"] = environment["LOG_LEVEL"] ?? "warning"
        processes = try (0..<count).map { _ in
            try RunningProcess(
                [executable, "worker", "--concurrency", "\(concurrency)", "--poll-interval-ms", "100"],
                environment: environment, label: "buddi-bench-worker")
        }
    }

    /// Waits until every worker has registered (so the clock starts with them ready).
    func waitUntilRegistered(client: DatabaseClient, logger: Logger) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let exited = processes.first(where: { $0.poll() != nil }) {
                throw BenchWorkerError(description: "a bench worker exited at start: \(exited.output.suffix(2000))")
            }
            var registered = 0
            for try await count in try await client.query("SELECT count(*) FROM workers", logger: logger).decode(Int64.self) {
                registered = Int(count)
            }
            if registered >= processes.count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchWorkerError(description: "the bench workers did not register within 60 s")
    }

    /// The workers' peak RSS (the largest) and CPU seconds (summed), read before they stop.
    func usage() -> ProcessUsage {
        ProcessUsage(
            peakRSSMB: processes.compactMap { ProcessSampler.peakRSSMB(pid: $0.pid) }.max() ?? 0,
            cpuSeconds: processes.compactMap { ProcessSampler.cpuSeconds(pid: $0.pid) }.reduce(0, +))
    }

    /// Stops them (SIGTERM: they finish what they hold and deregister).
    func stop() {
        for process in processes { process.signal(SIGTERM) }
        for process in processes {
            let deadline = Date().addingTimeInterval(30)
            while process.poll() == nil, Date() < deadline { usleep(20_000) }
        }
    }

    /// `url` with its password, for a child process that must connect.
    static func connectionString(_ url: DatabaseURL) -> String {
        guard let password = url.password, let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) else {
            return url.redacted
        }
        return url.redacted.replacingOccurrences(of: "://\(url.username)@", with: "://\(url.username):\(encoded)@")
    }
}

/// A bench worker process did not come up.
struct BenchWorkerError: Error, CustomStringConvertible {
    let description: String
}
