/// The sentiment of a whole conversation.
///
/// VADER scores a sentence; for longer texts its authors average the sentences' scores, which
/// is what this does over the best text the memory has: the sentences of its summary (written
/// to state what the conversation was about, and how it went); without a summary, its transcript
/// segments (raw speech, noisier); without either, its title. No text scores 0 (neutral).
enum ConversationSentiment {
    static func score(_ input: AnalyticsInput, analyzer: SentimentAnalyzer) -> SentimentScore {
        var sum = 0.0
        var units = 0
        func addSentences(of text: String) {
            var text = text
            text.withUTF8 { utf8 in
                for sentence in SentenceSplitter.sentences(in: utf8) {
                    sum += analyzer.score(UnsafeBufferPointer(rebasing: utf8[sentence])).compound
                    units += 1
                }
            }
        }
        if let summary = input.text, summary.contains(where: { !$0.isWhitespace }) {
            addSentences(of: summary)
        } else if !input.transcript.isEmpty {
            for line in input.transcript {
                sum += analyzer.score(line.text).compound
                units += 1
            }
        } else if let title = input.title {
            addSentences(of: title)
        }
        return SentimentScore(compound: units == 0 ? 0 : sum / Double(units))
    }
}
