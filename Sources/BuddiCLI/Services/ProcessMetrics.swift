import Metrics
import Prometheus

/// This process's own metrics (swift-metrics, exported in the Prometheus format): HTTP requests,
/// job runs, Buddi API call failures. Bootstrapped once per process, on first use.
enum ProcessMetrics {
    /// The registry, bootstrapped as the process's metrics backend on first use.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// The Prometheus text of this process's metrics.
    static func render() -> String { registry.emitToString() }
}
