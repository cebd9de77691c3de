import Foundation
import Testing

@testable import BuddiAnalytics

@Suite("Quality and engagement scores")
struct ScoreTests {
    @Test("quality: the weighted, saturating parts")
    func quality() {
        #expect(QualityScore.score(summaryWords: 0, titleWords: 0, hasCategory: false, actionItems: 0, transcriptWords: 0) == 0)
        #expect(QualityScore.score(summaryWords: 500, titleWords: 5, hasCategory: true, actionItems: 9, transcriptWords: 9000) == 1)
        let half = QualityScore.score(summaryWords: 25, titleWords: 1, hasCategory: true, actionItems: 1, transcriptWords: 100)
        #expect(abs(half - (0.15 + 0 + 0.1 + 0.2 / 3 + 0.15)) < 1e-12)
    }

    @Test("engagement: speakers, turns, duration and questions")
    func engagement() {
        let transcript = [
            TranscriptLine(speaker: "SPEAKER_00", text: "Where are we?", start: 0, end: 4),
            TranscriptLine(speaker: "SPEAKER_01", text: "Nearly done.", start: 4.5, end: 8),
            TranscriptLine(speaker: "SPEAKER_00", text: "Great.", start: 8.5, end: 60),
        ]
        // 2 speakers: 0.35·½; 2 turns: 0.25·0.2; 60 s: 0.2·0.1; 1 question in 3: 0.2·⅔
        let expected = 0.175 + 0.05 + 0.02 + 0.2 * 2 / 3
        #expect(abs(EngagementScore.score(transcript: transcript, startedAt: nil, finishedAt: nil) - expected) < 1e-12)
        #expect(EngagementScore.score(transcript: [], startedAt: nil, finishedAt: nil) == 0)
        let hour = EngagementScore.score(
            transcript: [], startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 3600))
        #expect(hour == 0.2)
    }

    @Test("duration: the memory's times when in order, else the transcript's span")
    func duration() {
        let transcript = [TranscriptLine(text: "hi", start: 2, end: 5), TranscriptLine(text: "bye", start: 6, end: 12)]
        let start = Date(timeIntervalSince1970: 100)
        #expect(EngagementScore.duration(transcript: transcript, startedAt: start, finishedAt: start.addingTimeInterval(30)) == 30)
        #expect(EngagementScore.duration(transcript: transcript, startedAt: start, finishedAt: start) == 10)
        #expect(EngagementScore.duration(transcript: [], startedAt: nil, finishedAt: nil) == 0)
    }
}
