import Foundation

/// Reads another process's resource use from /proc (Linux): its peak resident memory so far
/// and its CPU time; and the CPU time of every PostgreSQL server process of the machine.
enum ProcessSampler {
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// The process's peak resident set (`VmHWM`) in MB, if it still runs.
    static func peakRSSMB(pid: pid_t) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kilobytes / 1024
    }

    /// The process's user + system CPU seconds, if it still runs.
    static func cpuSeconds(pid: pid_t) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticksPerSecond
    }

    /// The CPU seconds of every process named `postgres` now (the server's postmaster, backends
    /// and helpers). A difference of two readings is the server's share of a span, less what
    /// backends that exited in between had used.
    static func postgresCPUSeconds() -> Double {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.reduce(0) { total, pid in
            guard let name = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                name.trimmingCharacters(in: .whitespacesAndNewlines) == "postgres"
            else { return total }
            return total + (cpuSeconds(pid: pid) ?? 0)
        }
    }
}
