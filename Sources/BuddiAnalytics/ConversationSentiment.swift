/// The sentiment of a whole conversation.
///
/// VADER scores a sentence; for longer texts its authors average the sentences' scores, which
/// is what this does over the best text the memory has: the sentences of its summary (written
/// to state what the conversation was about, and how it went); without a summary, its transcript
/// segments (raw speech, noisier); without either, its title. No text scores 0 (neutral).
enum ConversationSentiment {
    static func score(_ input: AnalyticsInput, analyzer: SentimentAnalyzer) -> SentimentScore {
        let units: [Substring] =
            if let summary = input.text, !summary.trimmingWhitespace().isEmpty {
                SentenceSplitter.sentences(in: summary)
            } else if !input.transcript.isEmpty {
                input.transcript.map { Substring($0.text) }
            } else {
                input.title.map { SentenceSplitter.sentences(in: $0) } ?? []
            }
        guard !units.isEmpty else { return SentimentScore(compound: 0) }
        let sum = units.reduce(0.0) { $0 + analyzer.score(String($1)).compound }
        return SentimentScore(compound: sum / Double(units.count))
    }
}
