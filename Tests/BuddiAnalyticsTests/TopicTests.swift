import Testing

@testable import BuddiAnalytics

@Suite("Topics")
struct TopicTests {
    let taxonomy = TopicTaxonomy()

    @Test("the category comes first, then taxonomy topics by cue count, ties in taxonomy order")
    func ranking() {
        let words = ["budget", "flight", "hotels", "tax", "meeting"]
        #expect(taxonomy.topics(category: " Work ", words: words) == ["work", "finance", "travel"])
    }

    @Test("no topic twice, at most three from the taxonomy, none without a cue")
    func limits() {
        #expect(taxonomy.topics(category: "finance", words: ["budget"]) == ["finance"])
        #expect(taxonomy.topics(category: nil, words: ["dinner", "flight", "doctor", "budget", "exam"]).count == 3)
        #expect(taxonomy.topics(category: "", words: ["hello"]) == [])
    }
}
