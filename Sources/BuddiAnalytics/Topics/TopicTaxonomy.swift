/// Topics from the memory's category and a keyword taxonomy.
///
/// The topics are the memory's own category (lowercased, trimmed, if any) followed by at most
/// ``maxTaxonomyTopics`` topics of the taxonomy below: a topic counts the words of the memory
/// that are among its cue words (a plural "s" is ignored), and the topics with at least one cue
/// come by count, ties in the order of the taxonomy. No topic appears twice.
package struct TopicTaxonomy: Sendable {
    /// A topic and the words that signal it.
    package struct Topic: Sendable {
        package var name: String
        package var cues: Set<String>

        /// A topic signalled by these cue words, lowercase ASCII.
        package init(name: String, cues: Set<String>) {
            self.name = name
            self.cues = cues
        }
    }

    /// The taxonomy, in its tie-breaking order.
    package let topics: [Topic]
    /// How many taxonomy topics at most.
    package let maxTaxonomyTopics: Int
    /// The indices in ``topics`` of the topics of each cue word.
    private let topicsByCue: WordTable<[Int]>

    /// A taxonomy of these topics.
    package init(topics: [Topic] = TopicTaxonomy.standard, maxTaxonomyTopics: Int = 3) {
        self.topics = topics
        self.maxTaxonomyTopics = maxTaxonomyTopics
        var topicsByCue: [String: [Int]] = [:]
        for (index, topic) in topics.enumerated() {
            for cue in topic.cues {
                // Words are looked up by their bytes, and only ASCII ones at that.
                precondition(cue.utf8.allSatisfy { $0 < 0x80 && !(65...90).contains($0) }, "topic cue '\(cue)' is not lowercase ASCII")
                topicsByCue[cue, default: []].append(index)
            }
        }
        self.topicsByCue = WordTable(topicsByCue)
    }

    /// The topics of a memory of this category whose words are `document`'s.
    func topics(category: String?, document: DocumentWords) -> [String] {
        var occurrences = [Int](repeating: 0, count: document.distinctCount)
        for occurrence in document.occurrences { occurrences[Int(occurrence.word)] += 1 }
        var counts = [Int](repeating: 0, count: topics.count)
        for (word, count) in occurrences.enumerated() {
            guard let hash = document.asciiHashes[word] else { continue }  // every cue is ASCII
            let bytes = document.bytes(ofWord: Int32(word))
            let matches = topicsByCue.value(of: bytes, hash: hash)
                ?? (bytes.count > 3 && bytes.last == UInt8(ascii: "s") ? topicsByCue.value(of: bytes.dropLast(), lowercasing: false) : nil)
            for index in matches ?? [] { counts[index] += count }
        }
        var result: [String] = []
        if let category = category?.trimmingWhitespace().lowercased(), !category.isEmpty { result.append(category) }
        let ranked = topics.indices.filter { counts[$0] > 0 }.sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }
        for index in ranked.prefix(maxTaxonomyTopics) where !result.contains(topics[index].name) {
            result.append(topics[index].name)
        }
        return result
    }

    /// The built-in taxonomy: the categories wearables use, each with its everyday cue words.
    package static let standard: [Topic] = [
        Topic(name: "work", cues: [
            "meeting", "project", "deadline", "client", "customer", "manager", "boss", "colleague", "team",
            "roadmap", "release", "sprint", "standup", "hiring", "interview", "office", "presentation",
            "demo", "proposal", "contract", "report", "review", "stakeholder", "quarter", "q1", "q2",
            "q3", "q4", "job", "career", "promotion", "salary", "workshop", "launch", "product",
        ]),
        Topic(name: "finance", cues: [
            "budget", "money", "cost", "price", "invoice", "tax", "mortgage", "loan", "bank", "savings",
            "saving", "invest", "investment", "stock", "rent", "bill", "payment", "expense", "debt",
            "income", "pension", "insurance", "account", "credit", "refund", "euro", "dollar",
        ]),
        Topic(name: "health", cues: [
            "health", "doctor", "hospital", "physio", "therapy", "therapist", "medicine", "medication",
            "sleep", "diet", "exercise", "workout", "gym", "marathon", "run", "running", "training",
            "yoga", "injury", "pain", "sick", "illness", "symptom", "appointment", "dentist", "stress",
            "anxiety", "meditation", "weight", "nutrition",
        ]),
        Topic(name: "family", cues: [
            "family", "mom", "mum", "mother", "dad", "father", "parent", "grandma", "grandpa",
            "grandmother", "grandfather", "sister", "brother", "son", "daughter", "kid", "child",
            "children", "baby", "wife", "husband", "partner", "cousin", "aunt", "uncle", "birthday",
            "wedding", "school",
        ]),
        Topic(name: "travel", cues: [
            "travel", "trip", "flight", "airport", "train", "hotel", "booking", "holiday", "vacation",
            "passport", "visa", "luggage", "journey", "tour", "destination", "itinerary", "delay",
            "ticket", "station", "beach", "abroad",
        ]),
        Topic(name: "education", cues: [
            "course", "class", "lesson", "lecture", "exam", "test", "homework", "thesis", "study",
            "studying", "university", "college", "student", "teacher", "professor", "learn", "learning",
            "bootcamp", "tutorial", "degree", "grade", "reading", "textbook", "language", "spanish",
        ]),
        Topic(name: "technology", cues: [
            "software", "app", "code", "coding", "bug", "server", "database", "api", "computer", "laptop",
            "phone", "ai", "model", "data", "cloud", "deploy", "deployment", "website", "programming",
            "algorithm", "security", "network", "device",
        ]),
        Topic(name: "food", cues: [
            "food", "dinner", "lunch", "breakfast", "restaurant", "cook", "cooking", "recipe", "meal",
            "coffee", "cafe", "groceries", "grocery", "pizza", "wine", "cake", "bake", "baking", "kitchen",
        ]),
        Topic(name: "home", cues: [
            "home", "house", "flat", "apartment", "moving", "move", "furniture", "repair", "renovation",
            "landlord", "garden", "cleaning", "neighbour", "neighbor",
        ]),
        Topic(name: "social", cues: [
            "friend", "party", "weekend", "date", "dating", "relationship", "drinks", "celebrate",
            "celebration", "gathering", "hangout", "community",
        ]),
        Topic(name: "entertainment", cues: [
            "movie", "film", "music", "concert", "game", "gaming", "show", "series", "podcast", "festival",
            "theatre", "theater", "album", "netflix",
        ]),
    ]
}

extension String {
    /// The string without leading and trailing white space (no Foundation needed).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[first...last])
    }
}
