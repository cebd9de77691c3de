import Foundation

/// The CPU a span of a benchmark cost, in all or per job: this process's (the workers', or the raw loop's
/// client) and the machine's PostgreSQL server's, read from getrusage(2) and /proc at its start
/// and end. The server's share counts every `postgres` process, its WAL writer, checkpointer and
/// autovacuum included; backends that exit within the span are missed, so a span should run on
/// connections that stay open.
struct CPUSpan {
    private let start = ContinuousClock.now
    private let processAtStart = ProcessUsage.current().cpuSeconds
    private let postgresAtStart = ProcessSampler.postgresCPUSeconds()

    /// Starts the span now.
    init() {}

    /// The CPU seconds this process and PostgreSQL spent since the start, and the wall seconds.
    func spent() -> (process: Double, postgres: Double, seconds: Double) {
        (ProcessUsage.current().cpuSeconds - processAtStart, ProcessSampler.postgresCPUSeconds() - postgresAtStart,
         (ContinuousClock.now - start).inSeconds)
    }

    /// What the span cost each of `jobs` jobs, up to now.
    func perJob(_ jobs: Int) -> CPUPerJob {
        let (process, postgres, seconds) = spent()
        let perJob = { (cpu: Double) in cpu / Double(max(jobs, 1)) * 1e6 }
        return CPUPerJob(
            processMicroseconds: perJob(process), postgresMicroseconds: perJob(postgres),
            busyShare: (process + postgres) / (seconds * Double(ProcessInfo.processInfo.activeProcessorCount)))
    }
}

/// CPU microseconds per job over a span, and how busy the machine's cores were.
struct CPUPerJob: Codable, Sendable {
    /// This process: the workers, or the raw loop's client.
    var processMicroseconds: Double
    /// The PostgreSQL server.
    var postgresMicroseconds: Double
    /// Both together over what every core could have given in the span (1: saturated).
    var busyShare: Double

    var text: String {
        "CPU per job: this process \(Int(processMicroseconds)) µs, PostgreSQL \(Int(postgresMicroseconds)) µs (cores \(Int(busyShare * 100))% busy)"
    }

    enum CodingKeys: String, CodingKey {
        case processMicroseconds = "process_us"
        case postgresMicroseconds = "postgres_us"
        case busyShare = "busy_share"
    }
}
