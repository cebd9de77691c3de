/// The analytics stored with a conversation.
package struct ConversationAnalytics: Sendable, Codable, Equatable {
    /// VADER compound sentiment of the conversation, in [-1, 1].
    package var sentimentScore: Double
    /// The label of ``sentimentScore`` (see ``SentimentLabel/init(compound:)``).
    package var sentimentLabel: SentimentLabel
    /// The top content words and phrases, best first, in a stable order.
    package var keywords: [String]
    /// The topics: the memory's category first, then those of the keyword taxonomy.
    package var topics: [String]
    /// How complete and informative the memory is, in [0, 1].
    package var qualityScore: Double
    /// How much interaction the conversation had, in [0, 1].
    package var engagementScore: Double

    /// Creates analytics.
    package init(
        sentimentScore: Double,
        sentimentLabel: SentimentLabel,
        keywords: [String],
        topics: [String],
        qualityScore: Double,
        engagementScore: Double
    ) {
        self.sentimentScore = sentimentScore
        self.sentimentLabel = sentimentLabel
        self.keywords = keywords
        self.topics = topics
        self.qualityScore = qualityScore
        self.engagementScore = engagementScore
    }
}
