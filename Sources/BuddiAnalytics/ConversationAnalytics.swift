/// The analytics stored with a conversation.
public struct ConversationAnalytics: Sendable, Codable, Equatable {
    /// VADER compound sentiment of the conversation, in [-1, 1].
    public var sentimentScore: Double
    /// The label of ``sentimentScore`` (see ``SentimentLabel/init(compound:)``).
    public var sentimentLabel: SentimentLabel
    /// The top content words and phrases, best first, in a stable order.
    public var keywords: [String]
    /// The topics: the memory's category first, then those of the keyword taxonomy.
    public var topics: [String]
    /// How complete and informative the memory is, in [0, 1].
    public var qualityScore: Double
    /// How much interaction the conversation had, in [0, 1].
    public var engagementScore: Double

    /// Creates analytics.
    public init(
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
