import BuddiRuntime
import ArgumentParser
import BuddiLab

/// `buddi-lab bench soak`: a steady state that must stay steady.
struct SoakBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Enqueue and drain no-op jobs at a steady rate with maintenance running, and sample the table's growth.",
        discussion: """
            In a scratch database on the server (the embedded cluster by default), dropped afterwards: \
            W workers drain a queue that is fed --rate jobs a second (default: half the maximum, \
            measured first with a 5,000-job drain), while maintenance rescues leases and prunes \
            completed jobs older than --retention-seconds. Every --sample-seconds it prints the \
            throughput, the pick-up p99, the jobs table's and its indexes' size, live and dead \
            tuples and autovacuum runs, and at the end whether the sizes levelled off.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "How long to soak, in minutes.")
    var minutes = 10.0

    @Option(help: "Jobs per second (default: half the measured maximum).")
    var rate: Int?

    @Option(help: "How many workers drain the queue.")
    var workers = 4

    @Option(help: "Seconds between samples.")
    var sampleSeconds = 10

    @Option(help: "How long completed jobs are kept before maintenance prunes them.")
    var retentionSeconds = 60

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if !(0.05...1440).contains(minutes) { throw ValidationError("--minutes must be from 0.05 to 1440") }
        if let rate, rate < 1 { throw ValidationError("--rate must be at least 1") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if sampleSeconds < 1 { throw ValidationError("--sample-seconds must be at least 1") }
        if Double(sampleSeconds) > minutes * 60 { throw ValidationError("--sample-seconds must not exceed the soak's length") }
        if retentionSeconds < 1 { throw ValidationError("--retention-seconds must be at least 1") }
    }

    func run() async throws {
        let logger = BuddiLogging.quiet
        let url = try await database.resolveURL(logger: logger)
        let bar = TerminalProgress("soaked", unit: "samples")
        let report = try await SoakBenchmark(
            serverURL: url, logger: logger, duration: .milliseconds(Int(minutes * 60_000)), rate: rate, workers: workers,
            sampleInterval: .seconds(sampleSeconds), retention: .seconds(retentionSeconds), progress: { bar.update($0, of: $1) }
        ).run()
        bar.finish()
        try report.print(json: json)
    }
}
