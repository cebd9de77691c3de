import BuddiPipeline
import PostgresResilience

/// The database's disk as gauges, on `buddi serve`'s `/metrics` and on the metrics endpoint of
/// every other process: each tells what it has met.
package enum DiskMetrics {
    /// `disk` in the Prometheus text format.
    package static func render(_ disk: DiskCondition) -> String {
        var text = PrometheusText()
        text.family("buddi_database_disk_full", type: "gauge", help: "1 while the database's disk is full: writes refused for lack of space.")
        text.sample("buddi_database_disk_full", [:], disk.full ? 1 : 0)
        text.family("buddi_database_disk_free_bytes", type: "gauge", help: "Bytes free on the embedded cluster's filesystem.")
        if let free = disk.freeBytes { text.sample("buddi_database_disk_free_bytes", [:], Double(free)) }
        return text.output
    }
}
