import Foundation

/// What this process has used so far: its peak resident memory and CPU time (user + system),
/// from getrusage(2).
package struct ProcessUsage: Codable, Sendable {
    package var peakRSSMB: Double
    package var cpuSeconds: Double

    enum CodingKeys: String, CodingKey {
        case peakRSSMB = "peak_rss_mb"
        case cpuSeconds = "cpu_seconds"
    }

    /// This process's usage now.
    package static func current() -> ProcessUsage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return ProcessUsage(
            // Linux reports ru_maxrss in KiB.
            peakRSSMB: Double(usage.ru_maxrss) / 1024,
            cpuSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
                + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
    }
}
