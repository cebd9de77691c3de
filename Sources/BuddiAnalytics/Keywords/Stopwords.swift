/// Words that carry no topic of their own: English function words (articles, pronouns,
/// auxiliaries, prepositions, conjunctions, determiners, common adverbs), contractions, and the
/// fillers and vague verbs of speech ("yeah", "okay", "um", "gonna", "thing", "get").
/// RAKE splits candidate phrases at them, so no keyword contains or is one.
enum Stopwords {
    /// Whether the lowercase word in `bytes`, whose ``fnv1a(_:lowercasing:)`` is `hash`, is one.
    static func contains(_ bytes: some Collection<UInt8>, hash: UInt64) -> Bool {
        table.contains(bytes, hash: hash)
    }

    private static let table = WordTable(Dictionary(uniqueKeysWithValues: words.map { ($0, ()) }))

    private static let words: [String] = [
        // articles, determiners, quantifiers
        "a", "an", "the", "this", "that", "these", "those", "some", "any", "each", "every", "all",
        "both", "either", "neither", "no", "none", "such", "other", "another", "same", "own",
        "much", "many", "more", "most", "few", "fewer", "less", "least", "lot", "lots", "several",
        "enough", "one", "ones",
        // pronouns
        "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "you", "your",
        "yours", "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers",
        "herself", "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "who",
        "whom", "whose", "which", "what", "whatever", "whoever", "someone", "somebody", "something",
        "anyone", "anybody", "anything", "everyone", "everybody", "everything", "nobody", "nothing",
        // auxiliaries and very common verbs
        "be", "am", "is", "are", "was", "were", "been", "being", "have", "has", "had", "having",
        "do", "does", "did", "doing", "done", "will", "would", "shall", "should", "can", "could",
        "may", "might", "must", "ought", "get", "gets", "got", "getting", "gotten", "go", "goes",
        "going", "went", "gone", "make", "makes", "made", "let", "say", "says", "said", "think",
        "know", "see", "want", "need", "take", "come", "came", "put", "keep", "seem", "seems",
        "talked", "talk", "discussed", "told", "tell", "mentioned",
        // contractions
        "i'm", "i've", "i'll", "i'd", "you're", "you've", "you'll", "you'd", "he'd", "he'll",
        "she'd", "she'll", "it'll", "it'd", "we're", "we've", "we'll", "we'd", "they're",
        "they've", "they'll", "they'd", "that'll", "there's", "here's", "what's", "let's", "who's",
        "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "haven't", "hasn't",
        "hadn't", "won't", "wouldn't", "can't", "cannot", "couldn't", "shouldn't", "mustn't",
        "ain't", "y'all",
        // prepositions and conjunctions
        "about", "above", "across", "after", "against", "along", "among", "around", "as", "at",
        "before", "behind", "below", "beneath", "beside", "between", "beyond", "by", "down",
        "during", "except", "for", "from", "in", "inside", "into", "like", "near", "of", "off",
        "on", "onto", "out", "outside", "over", "past", "per", "since", "through", "throughout",
        "till", "to", "toward", "towards", "under", "until", "up", "upon", "via", "with", "within",
        "without", "and", "but", "or", "nor", "so", "yet", "if", "then", "than", "because",
        "while", "whereas", "although", "though", "unless", "whether", "once",
        // adverbs
        "not", "very", "too", "also", "just", "only", "really", "quite", "rather", "still",
        "already", "again", "ever", "never", "always", "often", "sometimes", "usually", "maybe",
        "perhaps", "here", "there", "where", "when", "why", "how", "now", "soon", "later", "today",
        "tomorrow", "yesterday", "even", "almost", "actually", "basically", "probably", "definitely",
        "honestly", "literally", "anyway", "well", "back", "away", "else", "instead", "together",
        "pretty", "kind", "sort", "bit",
        // fillers of speech and vague nouns
        "yeah", "yes", "yep", "ok", "okay", "oh", "ah", "uh", "um", "umm", "hmm", "hm", "er", "huh",
        "hey", "hi", "hello", "bye", "please", "thanks", "thank", "sure", "right", "gonna", "wanna",
        "gotta", "stuff", "thing", "things", "way", "point", "part", "guy", "guys",
    ]
}
