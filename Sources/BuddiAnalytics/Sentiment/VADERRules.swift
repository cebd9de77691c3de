/// The constants and word lists of VADER's rules, as in vaderSentiment 3.3.2
/// (Hutto & Gilbert, ICWSM 2014; MIT licence, see `Resources/LICENSE-vaderSentiment.txt`).
enum VADERRules {
    /// Mean intensity increase of a booster ("very") and decrease of a dampener ("barely").
    static let boosterIncrement = 0.293
    static let dampenerIncrement = -0.293
    /// Mean intensity increase of a word in ALL CAPS among mixed-case words.
    static let capsIncrement = 0.733
    /// The factor a negation multiplies a valence by.
    static let negationScalar = -0.74
    /// The factor "never so …" / "never this …" multiplies a valence by.
    static let neverSoScalar = 1.25
    /// How a booster's scalar decays with its distance (1, 2, 3 words) from the sentiment word.
    static let boosterDecay = [1.0, 0.95, 0.9]
    /// The weights of the words before and after the first "but".
    static let beforeButWeight = 0.5
    static let afterButWeight = 1.5
    /// Intensity added per "!", counting at most ``maxExclamations``.
    static let exclamationIncrement = 0.292
    static let maxExclamations = 4
    /// Intensity added per "?" when there are 2 or 3, and the cap from 4 on.
    static let questionIncrement = 0.18
    static let maxQuestionEmphasis = 0.96
    /// The α of the normalization x / √(x² + α).
    static let normalizationAlpha = 15.0

    /// Words that negate the sentiment words up to three words after them (besides any word
    /// containing "n't").
    static let negations: [String] = [
        "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
        "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
        "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
        "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
        "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
        "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
        "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
        "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
    ]

    /// Degree adverbs of one word: boosters increase, dampeners decrease the intensity of the
    /// sentiment word they precede.
    static let boosters: [String] = [
        "absolutely", "amazingly", "awfully", "completely", "considerable", "considerably",
        "decidedly", "deeply", "effing", "enormous", "enormously", "entirely", "especially",
        "exceptional", "exceptionally", "extreme", "extremely", "fabulously", "flipping", "flippin",
        "frackin", "fracking", "fricking", "frickin", "frigging", "friggin", "fully", "fuckin",
        "fucking", "fuggin", "fugging", "greatly", "hella", "highly", "hugely", "incredible",
        "incredibly", "intensely", "major", "majorly", "more", "most", "particularly", "purely",
        "quite", "really", "remarkably", "so", "substantially", "thoroughly", "total", "totally",
        "tremendous", "tremendously", "uber", "unbelievably", "unusually", "utter", "utterly", "very",
    ]
    static let dampeners: [String] = [
        "almost", "barely", "hardly", "kinda", "kindof", "kind-of", "less", "little", "marginal",
        "marginally", "occasional", "occasionally", "partly", "scarce", "scarcely", "slight",
        "slightly", "somewhat", "sorta", "sortof", "sort-of",
    ]
    /// Dampeners of two words ("kind of"), found just before a sentiment word.
    static let dampenerPhrases: [[RuleWord]] = [[.just, .enough], [.kind, .of], [.sort, .of]]

    /// Phrases whose valence replaces that of the sentiment word they contain or follow.
    static let specialCases: [(phrase: [RuleWord], valence: Double)] = [
        ([.the, .shit], 3), ([.the, .bomb], 3), ([.bad, .ass], 1.5), ([.bus, .stop], 0),
        ([.yeah, .right], -2), ([.kiss, .of, .death], -1.5), ([.to, .die, .for], 3),
        ([.beating, .heart], 3.5),
    ]
}

/// The words VADER's rules name, so that a token can be compared with one by a small integer.
enum RuleWord: String, CaseIterable, Sendable {
    case none = ""
    case no, or, nor, but, kind, of, least, at, very, never, so, this, without, doubt
    case the, shit, bomb, bad, ass, bus, stop, yeah, right, kiss, death, to, die, `for`, beating, heart
    case just, enough, sort
}
