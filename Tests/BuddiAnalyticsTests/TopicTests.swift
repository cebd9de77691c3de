import Testing

@testable import BuddiAnalytics

@Suite("Topics")
struct TopicTests {
    let taxonomy = TopicTaxonomy()

    /// The topics of a memory whose only field holds these words.
    func topics(category: String?, words: [String]) -> [String] {
        taxonomy.topics(category: category, document: DocumentWords(fields: [words.joined(separator: " ")]))
    }

    @Test("the category comes first, then taxonomy topics by cue count, ties in taxonomy order")
    func ranking() {
        let words = ["budget", "flight", "hotels", "tax", "meeting"]
        #expect(topics(category: " Work ", words: words) == ["work", "finance", "travel"])
    }

    @Test("no topic twice, at most three from the taxonomy, none without a cue")
    func limits() {
        #expect(topics(category: "finance", words: ["budget"]) == ["finance"])
        #expect(topics(category: nil, words: ["dinner", "flight", "doctor", "budget", "exam"]).count == 3)
        #expect(topics(category: "", words: ["hello"]) == [])
    }
}
