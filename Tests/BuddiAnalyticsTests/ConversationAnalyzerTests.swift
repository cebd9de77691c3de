import Foundation
import Testing

@testable import BuddiAnalytics

@Suite("Conversation analytics")
struct ConversationAnalyzerTests {
    static let memory = AnalyticsInput(
        title: "The trip to Kraków with Zoë",
        text: "Zoë loved the idea for the trip to Kraków. Happy, energising chat 🎉.",
        category: "Travel",
        actionItems: ["Send Zoë the hotel booking", "Book a follow-up about the flight"],
        transcript: [
            TranscriptLine(speaker: "SPEAKER_00", text: "So, where are we with the trip?", start: 0, end: 3.2),
            TranscriptLine(speaker: "SPEAKER_01", text: "Honestly, Zoë has a point there.", start: 3.6, end: 6),
        ],
        startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 120))

    @Test("a fixed memory gives fixed analytics")
    func fixedMemory() {
        let analytics = ConversationAnalyzer.shared.analyze(Self.memory)
        let sentences = ["Zoë loved the idea for the trip to Kraków.", "Happy, energising chat 🎉."]
        let meanSentence = sentences.map { SentimentAnalyzer.shared.score($0).compound }.reduce(0, +) / 2
        #expect(analytics.sentimentScore == meanSentence)
        #expect(analytics.sentimentLabel == .positive)
        #expect(analytics.keywords.first == "energising chat")
        #expect(analytics.keywords.count == 8)
        #expect(analytics.topics == ["travel"])
        // summary 12 words, title 6, category, 2 action items, 13 transcript words
        #expect(abs(analytics.qualityScore - (0.3 * 12 / 50 + 0.1 + 0.1 + 0.2 * 2 / 3 + 0.3 * 13 / 200)) < 1e-12)
        // 2 speakers, 1 turn, 120 s, 1 question in 2
        #expect(abs(analytics.engagementScore - (0.175 + 0.025 + 0.04 + 0.2)) < 1e-12)
        #expect(ConversationAnalyzer.shared.analyze(Self.memory) == analytics)
    }

    @Test("sentiment falls back from the summary to the transcript, then the title")
    func sentimentSources() {
        let transcriptOnly = AnalyticsInput(title: "Awful", transcript: [TranscriptLine(text: "I love it!"), TranscriptLine(text: "Fine.")])
        let expected = (SentimentAnalyzer.shared.score("I love it!").compound + SentimentAnalyzer.shared.score("Fine.").compound) / 2
        #expect(ConversationAnalyzer.shared.analyze(transcriptOnly).sentimentScore == expected)
        let titleOnly = AnalyticsInput(title: "Awful day")
        #expect(ConversationAnalyzer.shared.analyze(titleOnly).sentimentLabel == .negative)
    }

    @Test("an empty memory: neutral, no keywords or topics, scores 0")
    func emptyMemory() {
        let analytics = ConversationAnalyzer.shared.analyze(AnalyticsInput())
        #expect(analytics == ConversationAnalytics(
            sentimentScore: 0, sentimentLabel: .neutral, keywords: [], topics: [], qualityScore: 0, engagementScore: 0))
    }

    @Test("analytics survive a JSON round trip, labels as strings")
    func codable() throws {
        let analytics = ConversationAnalyzer.shared.analyze(Self.memory)
        let json = try JSONEncoder().encode(analytics)
        #expect(String(decoding: json, as: UTF8.self).contains("\"positive\""))
        #expect(try JSONDecoder().decode(ConversationAnalytics.self, from: json) == analytics)
    }

    @Test("sentences: split after end punctuation and at line breaks, punctuation kept")
    func sentences() {
        let text = "Great news!! Really? Yes.\nNext line … and more (ok.) Done"
        #expect(SentenceSplitter.sentences(in: text) == ["Great news!!", "Really?", "Yes.", "Next line …", "and more (ok.)", "Done"])
    }
}
