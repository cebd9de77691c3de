import Testing

@testable import BuddiAnalytics

@Suite("Where the port deliberately differs from the reference")
struct SentimentImprovementTests {
    @Test("a typographic apostrophe negates as the typewriter one does (the reference scores 0.4404)")
    func typographicApostrophe() {
        let analyzer = SentimentAnalyzer.shared
        #expect(analyzer.score("The plan isn’t good.") == analyzer.score("The plan isn't good."))
        #expect(analyzer.score("The plan isn’t good.").label == .negative)
        #expect(analyzer.score("I DON’T like it, but fine.") == analyzer.score("I DON'T like it, but fine."))
    }

    @Test("\"but\" weights each valence by its position, even when two are equal")
    func butByPosition() {
        // good (1.9) before "but" and good after "bad": 0.5·1.9 − 1.5·2.5 + 1.5·1.9
        let tokens = VADERLexicon.bundled.tokens("good but bad good")
        let expected = 0.5 * 1.9 + 1.5 * -2.5 + 1.5 * 1.9
        #expect(abs(VADERValence(tokens: tokens).compound(exclamations: 0, questions: 0) - normalize(expected)) < 1e-12)
    }

    private func normalize(_ sum: Double) -> Double {
        sum / (sum * sum + 15).squareRoot()
    }
}

extension VADERLexicon {
    func tokens(_ text: String) -> [VADERToken] {
        var text = text
        var tokens: [VADERToken] = []
        _ = text.withUTF8 { VADERTokenizer(lexicon: self).tokenize($0, into: &tokens) }
        return tokens
    }
}
