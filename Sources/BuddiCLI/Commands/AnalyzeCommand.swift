import ArgumentParser
import BuddiAnalytics

/// `buddi analyze`: the sentiment of each line of standard input.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Score the sentiment of texts read from standard input, one per line.",
        discussion: """
            Prints one line per input line, in the same order: VADER's compound score in [-1, 1] \
            with four decimals, a space and the label (positive if ≥ 0.05, negative if ≤ -0.05, \
            else neutral), e.g. `0.6696 positive`.
            """)

    func run() {
        let analyzer = SentimentAnalyzer.shared
        while let line = readLine() {
            print(analyzer.score(line))
        }
    }
}
