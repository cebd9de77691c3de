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

    @Test("\"but\" weights each valence by its position (the reference scores this 0.1901)")
    func butByPosition() {
        // "abilities" (1.0) before "but", "ambivalent" (0.5) after: 0.5 · 1.0 + 1.5 · 0.5 = 1.25.
        // The reference finds 0.5 by value at the halved "abilities" and halves that again.
        let compound = SentimentAnalyzer.shared.score("The abilities, but ambivalent.").compound
        #expect(abs(compound - 1.25 / (1.25 * 1.25 + 15).squareRoot()) < 1e-12)
    }
}
