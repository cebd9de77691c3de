import Foundation
import BuddiAnalytics

/// How fast ``SentimentAnalyzer`` scores short texts on one core (`buddi-lab bench analyze`).
package struct SentimentBenchmark: Sendable {
    /// What one run measured.
    package struct Result: BenchReport, Sendable, Codable, Equatable {
        /// How many texts were scored.
        package var texts: Int
        /// How many distinct texts they cycled through.
        package var distinctTexts: Int
        /// Their mean length in UTF-8 bytes.
        package var meanTextBytes: Double
        /// The wall-clock time of the scoring loop.
        package var seconds: Double
        /// ``texts`` / ``seconds``.
        package var textsPerSecond: Double
        /// The sum of all compound scores, so the work cannot be optimized away.
        package var compoundSum: Double

        package var text: String {
            "\(texts) texts (\(distinctTexts) distinct, \(Int(meanTextBytes)) bytes on average) "
                + "in \(String(format: "%.3f", seconds)) s: \(Int(textsPerSecond)) texts/s on one core"
        }

        enum CodingKeys: String, CodingKey {
            case texts, seconds
            case distinctTexts = "distinct_texts"
            case meanTextBytes = "mean_text_bytes"
            case textsPerSecond = "texts_per_second"
            case compoundSum = "compound_sum"
        }
    }

    /// How many texts a run scores.
    package var texts: Int

    /// A benchmark of `texts` scorings.
    package init(texts: Int) {
        self.texts = texts
    }

    /// Scores `texts` texts one after another on the calling thread, cycling through a corpus
    /// of realistic short texts, after loading the lexicon outside the measurement.
    package func run() -> Result {
        let analyzer = SentimentAnalyzer.shared
        let corpus = BenchmarkTexts.all
        _ = analyzer.score(corpus[0])  // loads the lexicon
        var compoundSum = 0.0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for index in 0..<texts {
                compoundSum += analyzer.score(corpus[index % corpus.count]).compound
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(
            texts: texts, distinctTexts: corpus.count,
            meanTextBytes: Double(corpus.reduce(0) { $0 + $1.utf8.count }) / Double(corpus.count),
            seconds: seconds, textsPerSecond: Double(texts) / seconds, compoundSum: compoundSum)
    }
}
