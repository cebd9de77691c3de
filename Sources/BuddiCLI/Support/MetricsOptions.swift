import ArgumentParser
import BuddiHTTP
import Logging
import PostgresResilience
import ServiceLifecycle

/// `--metrics-port`: serve this process's own metrics for Prometheus.
struct MetricsOptions: ParsableArguments {
    @Option(help: "Serve this process's metrics at http://<metrics-host>:<port>/metrics (default: not served).")
    var metricsPort: Int?

    @Option(help: "The address the metrics endpoint listens on.")
    var metricsHost = "127.0.0.1"

    func validate() throws {
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be from 0 to 65535, got \(metricsPort)")
        }
    }

    /// The metrics endpoint as a service, if asked for (bootstrapping the metrics backend), with
    /// the database's disk as `disk` tells it.
    func services(disk: @escaping @Sendable () -> DiskCondition, logger: Logger) -> [any Service] {
        guard let metricsPort else { return [] }
        _ = ProcessMetrics.registry
        let render: @Sendable () -> String = { ProcessMetrics.render() + DiskMetrics.render(disk()) }
        return [MetricsServer(host: metricsHost, port: metricsPort, render: render, logger: logger)]
    }
}
