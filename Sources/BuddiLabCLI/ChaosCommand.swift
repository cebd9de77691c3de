import ArgumentParser
import PostgresServer
import Foundation
import BuddiLab
import Logging

/// `buddi-lab chaos`: the fault-injection suite.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Break buddi on purpose and check that nothing is lost, duplicated, stranded or hung.",
        discussion: """
            Each scenario runs on a fresh database in a PostgreSQL cluster of the suite's own (which \
            it crash-restarts), with the Buddi API simulator in this process and real `buddi` worker, \
            scheduler and serve processes. It prints a line per scenario with its figures, then a \
            table, and exits non-zero when any scenario loses, duplicates, strands or hangs anything. \
            Use a release build for the full form; --short is the form CI runs.
            """)

    @Flag(help: "The short form (fewer memories), as CI runs it.")
    var short = false

    @Option(name: .customLong("scenario"), help: "A scenario to run (repeatable; default: all): \(ChaosScenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenarios: [ChaosScenario] = []

    @Option(help: "Memories per ingest (default: 20000, or 3000 with --short).")
    var memories: Int?

    @Option(help: "The suite's cluster directory (default: a new one under /tmp, removed afterwards).")
    var dataDir: String?

    @Option(help: "The simulator's seed.")
    var seed: UInt64 = 7

    @Flag(help: "Print the results as JSON.")
    var json = false

    func validate() throws {
        if let memories, memories < 100 { throw ValidationError("--memories must be at least 100, got \(memories)") }
    }

    func run() async throws {
        // Before any cluster starts: every scenario runs real buddi processes.
        _ = try BuddiExecutable.path()
        var logger = Logger(label: "buddi.chaos")
        logger.logLevel = .warning
        var scale = short ? ChaosScale.short : ChaosScale.full
        if let memories { scale.memories = memories }
        let directory = dataDir ?? NSTemporaryDirectory() + "buddi-chaos-\(getpid())/postgres"
        let cluster = ChaosCluster(embedded: EmbeddedPostgres(dataDirectory: directory), logger: logger)
        try await cluster.start()
        defer {
            try? cluster.embedded.stop()
            if dataDir == nil { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        }
        let runner = ChaosRunner(cluster: cluster, scale: scale, seed: seed)
        var results: [ChaosResult] = []
        for scenario in scenarios.isEmpty ? ChaosScenario.allCases : scenarios {
            if !json { sayNow("running \(scenario.rawValue)…") }
            let result = try await runner.run(scenario)
            results.append(result)
            if !json { sayNow(result.line) }
        }
        print(json ? String(decoding: try JSONEncoder().encode(results), as: UTF8.self) : ChaosTable(results: results).text)
        guard results.allSatisfy(\.passed) else { throw ExitCode(1) }
    }
}

/// Prints a line at once, even into a file or a pipe (CI shows the suite as it goes).
private func sayNow(_ line: String) {
    print(line)
    fflush(nil)
}

extension ChaosScenario: ExpressibleByArgument {}
