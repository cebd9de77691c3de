import BuddiRuntime
import BuddiLab
import ArgumentParser

/// `buddi-lab bench ingest`: memories through fetch → process → stored, against the simulator.
struct IngestBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Drain N simulated memories through a fetch that stores each complete, and time it.",
        discussion: """
            Starts the Buddi API simulator in this process, creates a scratch database on the \
            server (the embedded cluster by default) and drops it afterwards, runs W `buddi worker` \
            processes (or, with --in-process, workers in this process), enqueues one fetch of N \
            memories and waits until every conversation is processed. Reports the worker process's \
            peak RSS and the CPU seconds of the workers, PostgreSQL and this process.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "How many memories the simulator serves and the fetch takes.")
    var memories = 20_000

    @Option(help: "How many worker processes run (or workers in this process, with --in-process).")
    var workers = 1

    @Flag(help: "Run the workers in this process instead of as `buddi worker` processes.")
    var inProcess = false

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
        // Before any database starts: the workers are buddi processes unless --in-process.
        let workerExecutable = inProcess ? nil : try BuddiExecutable.path()
        let url = try await database.resolveURL(logger: logger)
        let report = try await IngestBenchmark(
            serverURL: url, logger: logger, memories: memories, workers: workers, concurrency: concurrency,
            workerExecutable: workerExecutable
        ).run()
        try report.print(json: json)
    }
}
