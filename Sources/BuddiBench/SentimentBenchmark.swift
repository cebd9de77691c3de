import Foundation
import BuddiAnalytics

/// How fast ``SentimentAnalyzer`` scores short texts on one core (`buddi bench analyze`).
public struct SentimentBenchmark: Sendable {
    /// What one run measured.
    public struct Result: BenchReport, Sendable, Codable, Equatable {
        /// How many texts were scored.
        public var texts: Int
        /// How many distinct texts they cycled through.
        public var distinctTexts: Int
        /// Their mean length in UTF-8 bytes.
        public var meanTextBytes: Double
        /// The wall-clock time of the scoring loop.
        public var seconds: Double
        /// ``texts`` / ``seconds``.
        public var textsPerSecond: Double
        /// The sum of all compound scores, so the work cannot be optimized away.
        public var compoundSum: Double

        public var text: String {
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
    public var texts: Int

    /// A benchmark of `texts` scorings.
    public init(texts: Int) {
        self.texts = texts
    }

    /// Scores `texts` texts one after another on the calling thread, cycling through a corpus
    /// of realistic short texts, after loading the lexicon outside the measurement.
    public func run() -> Result {
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
