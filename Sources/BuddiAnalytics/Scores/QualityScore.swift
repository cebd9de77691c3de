/// How complete and informative a memory is, in [0, 1]: a weighted sum of saturating parts.
///
///     quality = 0.30 · min(summary words / 50, 1)
///             + 0.10 · (title has at least 2 words ? 1 : 0)
///             + 0.10 · (category present ? 1 : 0)
///             + 0.20 · min(action items / 3, 1)
///             + 0.30 · min(transcript words / 200, 1)
///
/// The summary and the transcript weigh most: they are what can be read back later. A summary
/// of 50 words (three or four sentences) or a transcript of 200 words (about a minute and a half
/// of speech) already counts in full; three action items make a memory fully actionable.
enum QualityScore {
    static func score(summaryWords: Int, titleWords: Int, hasCategory: Bool, actionItems: Int, transcriptWords: Int) -> Double {
        0.30 * saturating(summaryWords, at: 50)
            + 0.10 * (titleWords >= 2 ? 1 : 0)
            + 0.10 * (hasCategory ? 1 : 0)
            + 0.20 * saturating(actionItems, at: 3)
            + 0.30 * saturating(transcriptWords, at: 200)
    }
}

/// `min(value / full, 1)` for a count.
func saturating(_ value: Int, at full: Int) -> Double {
    saturating(Double(value), at: Double(full))
}

/// `min(max(value, 0) / full, 1)`.
func saturating(_ value: Double, at full: Double) -> Double {
    min(max(value, 0) / full, 1)
}
