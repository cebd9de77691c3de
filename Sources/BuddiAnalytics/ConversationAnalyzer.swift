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
        // Fields: the title, the summary, the action items, then the transcript lines.
        let document = DocumentWords(fields: [input.title ?? "", input.text ?? ""] + input.actionItems + input.transcript.map(\.text))
        let actionItems = 2..<2 + input.actionItems.count
        let transcript = actionItems.upperBound..<document.fieldCount
        let score = ConversationSentiment.score(input, analyzer: sentiment)
        return ConversationAnalytics(
            sentimentScore: score.compound,
            sentimentLabel: score.label,
            keywords: keywordExtractor.keywords(in: document),
            topics: taxonomy.topics(category: input.category, document: document),
            qualityScore: QualityScore.score(
                summaryWords: document.occurrences(ofField: 1).count, titleWords: document.occurrences(ofField: 0).count,
                hasCategory: input.category?.contains(where: { !$0.isWhitespace }) ?? false,
                actionItems: actionItems.count { !document.occurrences(ofField: $0).isEmpty },
                transcriptWords: document.fieldBounds[transcript.upperBound] - document.fieldBounds[transcript.lowerBound]),
            engagementScore: EngagementScore.score(
                transcript: input.transcript, startedAt: input.startedAt, finishedAt: input.finishedAt))
    }
}
