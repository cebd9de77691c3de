import ArgumentParser
import BuddiAnalytics
import Foundation

/// `buddi bench analyze`: texts per second of the sentiment analyzer on one core.
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
        let result = SentimentBenchmark(texts: texts).run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(
                "\(result.texts) texts (\(result.distinctTexts) distinct, \(Int(result.meanTextBytes)) bytes on average) "
                    + "in \(String(format: "%.3f", result.seconds)) s: \(Int(result.textsPerSecond)) texts/s on one core")
        }
    }
}
