import Foundation

/// A benchmark's figures, printed as text or as one JSON object.
package protocol BenchReport: Encodable {
    /// The figures for a person.
    var text: String { get }
}

extension BenchReport {
    /// Prints the report with the process's usage (`peak_rss_mb`, `cpu_seconds`): one JSON
    /// object with sorted keys, or the text.
    package func print(json: Bool, usage: ProcessUsage = .current()) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var object = try JSONSerialization.jsonObject(with: try encoder.encode(self)) as? [String: Any] ?? [:]
            let extra = try JSONSerialization.jsonObject(with: try encoder.encode(usage)) as? [String: Any] ?? [:]
            object.merge(extra) { own, _ in own }
            Swift.print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            Swift.print(text)
            Swift.print(String(format: "this process: peak RSS %.1f MB, %.2f s of CPU", usage.peakRSSMB, usage.cpuSeconds))
        }
    }
}
