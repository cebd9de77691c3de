import Testing

@testable import BuddiAnalytics

@Suite("Keywords (RAKE)")
struct KeywordTests {
    let fields = [
        "Hotel booking for the trip to Kraków",
        "We compared the hotel booking options, and the cheap hotel near the old town won. Flight delays are likely.",
        "Send Zoë the hotel booking confirmation",
    ]

    @Test("the best phrases by degree over frequency, then occurrences, then first occurrence")
    func fixedInput() {
        // "old town won": 3 + 3 + 3; "hotel booking options": 10/4 + 8/3 + 3, tied with
        // "… confirmation" and first; "hotel booking" occurs twice.
        #expect(
            KeywordExtractor().keywords(in: fields) == [
                "old town won", "hotel booking options", "hotel booking confirmation", "hotel booking",
                "cheap hotel", "flight delays", "send zoë", "trip",
            ])
    }

    @Test("no keyword is or contains a stopword, a number or a single letter")
    func noStopwords() {
        let keywords = KeywordExtractor(limit: 100).keywords(in: fields + ["So, um, I think it's 42 and a B, okay?"])
        for word in keywords.flatMap({ $0.split(separator: " ") }) {
            #expect(KeywordExtractor.isContentWord(word.utf8, hash: word.utf8.allSatisfy { $0 < 0x80 } ? fnv1a(word.utf8) : nil), "\(word)")
        }
    }

    @Test("the limit and the phrase length hold, and the order is the same every time")
    func limitsAndStability() {
        let extractor = KeywordExtractor(limit: 3, maxPhraseWords: 2)
        let keywords = extractor.keywords(in: fields)
        #expect(keywords.count == 3)
        #expect(keywords.allSatisfy { $0.split(separator: " ").count <= 2 })
        #expect(extractor.keywords(in: fields) == keywords)
    }

    @Test("words: lowercase, possessives dropped, ’ as ', hyphens and apostrophes inside words")
    func words() {
        let document = DocumentWords(fields: ["Grandma’s follow-up: DON'T  forget Zürich!", "a, b c"])
        let words = document.occurrences(ofField: 0).map { String(decoding: document.bytes(of: $0), as: UTF8.self) }
        #expect(words == ["grandma", "follow-up", "don't", "forget", "zürich"])
        #expect(document.occurrences(ofField: 1).map(\.followsPunctuation) == [false, true, false])
    }
}
