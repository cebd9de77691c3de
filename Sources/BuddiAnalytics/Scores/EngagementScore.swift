import Foundation

/// How much interaction a conversation had, in [0, 1]: a weighted sum of saturating parts.
///
///     engagement = 0.35 · min((speakers − 1) / 2, 1)
///                + 0.25 · min(turns / 10, 1)
///                + 0.20 · min(duration / 10 min, 1)
///                + 0.20 · min(2 · questions / segments, 1)
///
/// - speakers: distinct speaker labels of the transcript segments (segments without one count
///   as one unknown speaker); a monologue scores 0 here, three or more people in full.
/// - turns: changes of speaker between consecutive segments; ten exchanges count in full.
/// - duration: finished − started if both are known and in order, else the transcript's span
///   (last end − first start); ten minutes count in full.
/// - questions: the segments that contain "?"; one question every other segment counts in full.
///
/// Without a transcript only the duration can count.
enum EngagementScore {
    static func score(transcript: [TranscriptLine], startedAt: Date?, finishedAt: Date?) -> Double {
        let speakers = transcript.map { $0.speaker ?? "" }
        let distinctSpeakers = Set(speakers).count
        let turns = zip(speakers, speakers.dropFirst()).count { $0 != $1 }
        let questions = transcript.count { line in
            var text = line.text
            return text.withUTF8 { $0.contains(UInt8(ascii: "?")) }
        }
        let questionShare = transcript.isEmpty ? 0 : 2 * Double(questions) / Double(transcript.count)
        return 0.35 * saturating(distinctSpeakers - 1, at: 2)
            + 0.25 * saturating(turns, at: 10)
            + 0.20 * saturating(duration(transcript: transcript, startedAt: startedAt, finishedAt: finishedAt), at: 600)
            + 0.20 * min(questionShare, 1)
    }

    /// The conversation's length in seconds, 0 if unknown.
    static func duration(transcript: [TranscriptLine], startedAt: Date?, finishedAt: Date?) -> Double {
        if let startedAt, let finishedAt, finishedAt > startedAt {
            return finishedAt.timeIntervalSince(startedAt)
        }
        guard let first = transcript.lazy.compactMap(\.start).min(), let last = transcript.lazy.compactMap(\.end).max() else {
            return 0
        }
        return last - first
    }
}
