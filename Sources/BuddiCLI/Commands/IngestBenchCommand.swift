import BuddiBench
import ArgumentParser
import Foundation

/// `buddi bench ingest`: memories through fetch → process → stored, against the simulator.
struct IngestBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Drain N simulated memories through fetch → process → stored, and time it.",
        discussion: """
            Starts the Buddi API simulator in this process, creates a scratch database on the \
            server (the embedded cluster by default) and drops it afterwards, runs W workers in this \
            process, enqueues one fetch of N memories and waits until every conversation is processed.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "How many memories the simulator serves and the fetch takes.")
    var memories = 20_000

    @Option(help: "How many workers run in this process.")
    var workers = 1

    @Option(help: "Jobs each worker runs at once.")
    var concurrency = 8

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if !(1...1_000_000).contains(memories) { throw ValidationError("--memories must be from 1 to 1000000") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        let logger = BuddiLogging.quiet
        let url = try await database.resolveURL(logger: logger)
        let report = try await IngestBenchmark(
            serverURL: url, logger: logger, memories: memories, workers: workers, concurrency: concurrency
        ).run()
        try report.print(json: json)
    }
}
