/// The words simulated memories are made of.
enum MemoryPhrases {
    /// People in the conversations; many names are not ASCII on purpose.
    static let people = [
        "Zoë", "José", "Łukasz", "Siobhán", "Björn", "Chloé", "Renée", "Søren", "Nguyễn", "Aiko",
        "Dmitri", "Priya", "Ñusta", "Gráinne", "Mia", "Oluwaseun", "François", "Jürgen", "Ana", "Tomás",
    ]

    /// Category, its emoji, and topics to talk about in it.
    static let categories: [(name: String, emoji: String, topics: [String])] = [
        ("work", "💼", ["the Q3 roadmap", "the release plan", "the hiring pipeline", "the client demo"]),
        ("personal", "🧠", ["the weekend plans", "a new habit", "the reading list", "moving flats"]),
        ("health", "🏃", ["the marathon training", "the sleep routine", "the physio sessions", "a new diet"]),
        ("family", "👨‍👩‍👧", ["the birthday party", "the school meeting", "grandma's visit", "the holiday"]),
        ("finance", "💶", ["the budget", "the mortgage offer", "the tax return", "the savings plan"]),
        ("education", "📚", ["the Spanish course", "the thesis draft", "the exam results", "the coding bootcamp"]),
        ("travel", "✈️", ["the trip to Kraków", "the train to Zürich", "the flight delays", "the hotel booking"]),
    ]

    /// Overviews by mood; `{person}` and `{topic}` are filled in.
    static let positive = [
        "Great conversation with {person} about {topic}; everything is ahead of schedule and we are thrilled with the progress.",
        "{person} loved the idea for {topic}. Happy, energising chat, and we celebrated a big win together 🎉.",
        "Wonderful news on {topic}: {person} says it worked out perfectly, and I feel excited and grateful.",
    ]
    static let negative = [
        "Frustrating talk with {person} about {topic}; it is late again, the costs are a disaster and nobody is happy.",
        "{person} is worried and upset: {topic} failed badly and we argued about whose fault the terrible mess was.",
        "Stressful, disappointing call on {topic}. {person} is angry about the delays and I feel exhausted.",
    ]
    static let neutral = [
        "Talked with {person} about {topic}. We listed the open questions and agreed to meet on Thursday.",
        "{person} walked through {topic}: three options, no decision yet, notes shared in the usual folder.",
        "Short sync with {person} on {topic}; the status is unchanged and the next review is in two weeks.",
    ]

    /// Things to do; `{person}` and `{topic}` are filled in.
    static let actions = [
        "Send {person} the summary of {topic}",
        "Book a follow-up about {topic}",
        "Ask {person} for the numbers on {topic}",
        "Draft a proposal for {topic}",
        "Check in with {person} next week",
    ]

    /// Transcript lines; `{person}` and `{topic}` are filled in.
    static let lines = [
        "So, where are we with {topic}?",
        "Honestly, {person} has a point there.",
        "I think we should write that down.",
        "Let's not overthink it, okay?",
        "Can you send me the details later?",
        "That's the part I'm most unsure about.",
        "Perfect, thanks — that helps a lot.",
    ]
}
