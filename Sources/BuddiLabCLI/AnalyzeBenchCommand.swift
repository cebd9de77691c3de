import ArgumentParser
import BuddiLab
import Foundation

/// `buddi-lab bench analyze`: texts per second of the sentiment analyzer on one core.
struct AnalyzeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Score N short texts on one core and print texts per second.")

    @Option(help: "How many texts to score.")
    var texts = 1_000_000

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if texts < 1 { throw ValidationError("--texts must be at least 1") }
    }

    func run() throws {
        try SentimentBenchmark(texts: texts).run().print(json: json)
    }
}
