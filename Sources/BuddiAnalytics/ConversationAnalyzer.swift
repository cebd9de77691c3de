/// Computes a conversation's analytics: sentiment, keywords, topics, quality and engagement.
///
/// Pure and deterministic: the same input gives the same analytics, offline. See
/// ``ConversationSentiment``, ``KeywordExtractor``, ``TopicTaxonomy``, ``QualityScore`` and
/// ``EngagementScore`` for the methods and formulas.
package struct ConversationAnalyzer: Sendable {
    /// The analyzer with the bundled lexicon and the standard taxonomy, loaded once; thread-safe.
    package static let shared = ConversationAnalyzer()

    /// Scores the sentiment of sentences.
    package var sentiment: SentimentAnalyzer
    /// Picks the keywords.
    package var keywordExtractor: KeywordExtractor
    /// Assigns the topics.
    package var taxonomy: TopicTaxonomy

    /// An analyzer made of these parts.
    package init(
        sentiment: SentimentAnalyzer = .shared,
        keywordExtractor: KeywordExtractor = KeywordExtractor(),
        taxonomy: TopicTaxonomy = TopicTaxonomy()
    ) {
        self.sentiment = sentiment
        self.keywordExtractor = keywordExtractor
        self.taxonomy = taxonomy
    }

    /// The analytics of one conversation.
    package func analyze(_ input: AnalyticsInput) -> ConversationAnalytics {
        let title = WordScanner.words(in: input.title ?? "")
        let summary = WordScanner.words(in: input.text ?? "")
        let actionItems = input.actionItems.map(WordScanner.words)
        let transcript = input.transcript.map { WordScanner.words(in: $0.text) }
        let fields = [title, summary] + actionItems + transcript
        let score = ConversationSentiment.score(input, analyzer: sentiment)
        return ConversationAnalytics(
            sentimentScore: score.compound,
            sentimentLabel: score.label,
            keywords: keywordExtractor.keywords(inScanned: fields),
            topics: taxonomy.topics(category: input.category, words: fields.flatMap { $0.map(\.text) }),
            qualityScore: QualityScore.score(
                summaryWords: summary.count, titleWords: title.count,
                hasCategory: !(input.category?.trimmingWhitespace().isEmpty ?? true),
                actionItems: actionItems.count { !$0.isEmpty },
                transcriptWords: transcript.reduce(0) { $0 + $1.count }),
            engagementScore: EngagementScore.score(
                transcript: input.transcript, startedAt: input.startedAt, finishedAt: input.finishedAt))
    }
}
