import Testing

@testable import BuddiAnalytics

/// Scores of vaderSentiment 3.3.2 (`polarity_scores(text)["compound"]`, rounded to 4 decimals),
/// which the port must reproduce to the last printed digit.
@Suite("VADER rules, against the reference implementation")
struct SentimentReferenceTests {
    @Test(
        "each rule moves the score as in the reference",
        arguments: [
            // the plain sentence, then negation ("not", "n't", "no") of it
            ("The book was good.", 0.4404),
            ("The book was not good.", -0.3412),
            ("The book isn't good.", -0.3412),
            ("No problems at all.", 0.3089),
            ("No, I do not like it.", -0.2755),
            // boosters and dampeners, near and farther away
            ("The book was very good.", 0.4927),
            ("The book was kind of good.", 0.3832),
            ("The food was kind of bad.", -0.5849),
            ("The food was not very good.", -0.3865),
            // "but": the clause after it weighs three times the one before
            ("The book was good, but the ending was bad.", -0.5859),
            ("I don't like it, but the staff were lovely.", 0.6853),
            // ALL CAPS when the text mixes case
            ("The book was GOOD.", 0.5622),
            ("The food was NOT good.", -0.3412),
            // "!" (counted up to 4) and "?" (2 or 3, then capped)
            ("The book was good!", 0.4926),
            ("The book was good!!!!!!", 0.6209),
            ("The book was good??", 0.5040),
            ("The book was good?????", 0.5940),
            // emoji (read as its description) and emoticon
            ("The book was good 😀", 0.6597),
            ("The book was good :)", 0.7096),
            // "least", "never this", "without a doubt", idioms
            ("At least it isn't a horrible book.", 0.4310),
            ("That was the least helpful answer.", -0.3252),
            ("Sentiment analysis has never been this good!", 0.5672),
            ("Without a doubt, excellent idea.", 0.7013),
            ("Honestly it was the bomb.", 0.7906),
            // the examples of the issue
            ("I love this!", 0.6696),
            ("This is terrible.", -0.4767),
            ("The meeting is at 3pm.", 0.0),
        ])
    func matchesReference(text: String, expected: Double) {
        let compound = SentimentAnalyzer.shared.score(text).compound
        #expect(abs(compound - expected) < 0.00005, "\(text): \(compound)")
    }

    @Test("a text without words scores 0")
    func emptyText() {
        #expect(SentimentAnalyzer.shared.score("").compound == 0)
        #expect(SentimentAnalyzer.shared.score("   \t ").compound == 0)
    }

    @Test("scores stay within [-1, 1] however loud the text")
    func bounded() {
        let loud = String(repeating: "GREAT amazing WONDERFUL love ", count: 50) + "!!!!"
        let score = SentimentAnalyzer.shared.score(loud).compound
        #expect(score <= 1 && score > 0.99)
        #expect(SentimentAnalyzer.shared.score(String(repeating: "awful terrible hate ", count: 50)).compound >= -1)
    }
}
