/// VADER sentiment analysis (Hutto & Gilbert, ICWSM 2014).
public struct SentimentAnalyzer: Sendable {
    /// The analyzer with the bundled VADER lexicon, loaded once.
    public static let shared = SentimentAnalyzer()

    /// The sentiment of `text`.
    public func score(_ text: String) -> SentimentScore {
        SentimentScore(compound: 0)
    }
}
