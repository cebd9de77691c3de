/// The summary table of a chaos run.
package struct ChaosTable {
    let results: [ChaosResult]

    /// The table of `results`.
    package init(results: [ChaosResult]) {
        self.results = results
    }

    /// The table, one row per scenario.
    package var text: String {
        let header = ["scenario", "stored", "processed", "lost", "duplicated", "stuck", "pending", "recovery", "seconds", "result"]
        let rows = results.map { r in
            [r.scenario, "\(r.stored)/\(r.expected)", "\(r.processed)", "\(r.lost)", "\(r.duplicated)", "\(r.stuck)", "\(r.pending)",
             r.recoverySeconds.map { String(format: "%.1f s", $0) } ?? "-", String(format: "%.1f", r.seconds),
             r.skipped != nil ? "SKIP" : r.passed ? "PASS" : "FAIL"]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        let format = { (cells: [String]) in
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ([format(header)] + rows.map(format)).joined(separator: "\n")
    }
}
