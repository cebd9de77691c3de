import ArgumentParser
import BuddiLab
import BuddiRuntime

/// `buddi-lab bench webhooks`: signed deliveries through a real serve into the database.
struct WebhookBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Send N signed webhook deliveries to a real `buddi serve` and time them until stored.",
        discussion: """
            Creates a scratch database on the server (the embedded cluster by default) and drops it \
            afterwards, starts the `buddi` built beside this one as `serve` (webhook endpoint on, a \
            random secret) and as one `worker`, then sends N simulated memories, each a signed \
            delivery (Standard Webhooks), from S concurrent senders over loopback: as fast as they \
            are answered, or at --rate deliveries per second. A 2xx comes only once the memory is \
            stored, analysed and anchored, so a delivery's answer time is its arrival to stored.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "How many deliveries to send.")
    var deliveries = 20_000

    @Option(help: "How many senders deliver at once.")
    var senders = 64

    @Option(help: "Deliveries per second offered (default: as fast as they are answered).")
    var rate: Double?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if !(1...1_000_000).contains(deliveries) { throw ValidationError("--deliveries must be from 1 to 1000000") }
        if !(1...4096).contains(senders) { throw ValidationError("--senders must be from 1 to 4096") }
        if let rate, !(rate > 0 && rate.isFinite) { throw ValidationError("--rate must be a positive number of deliveries per second") }
    }

    func run() async throws {
        let logger = BuddiLogging.quiet
        let executable = try BuddiExecutable.path()
        let url = try await database.resolveURL(logger: logger)
        let report = try await WebhookBenchmark(
            serverURL: url, executable: executable, deliveries: deliveries, senders: senders, rate: rate, logger: logger
        ).run()
        try report.print(json: json)
    }
}
