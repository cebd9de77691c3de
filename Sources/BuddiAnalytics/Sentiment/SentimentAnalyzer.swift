/// VADER sentiment analysis (Hutto & Gilbert, ICWSM 2014) with its lexicon, in pure Swift.
///
/// Scores follow vaderSentiment 3.3.2's `polarity_scores(text)["compound"]`: each token's
/// lexicon valence, adjusted by the rules (negation within three words, including "n't" and
/// "no"; boosters and dampeners, their increment 0.293 decaying to 95 % and 90 % at two and three
/// words; ALL-CAPS emphasis +0.733 when the text mixes case; "but"; "least"; "kind of"; "never
/// so/this"; special idioms such as "the bomb"; the emojis of the emoji lexicon, read as their
/// descriptions), summed, emphasized by up to four "!" (+0.292 each) and by "?" (2–3: +0.18
/// each, more: +0.96), and normalized by x / √(x² + 15). Two deliberate differences: ’ counts
/// as an apostrophe ("isn’t" negates), and "but" weights valences by position (see
/// ``VADERValence``).
///
/// Thread-safe and cheap to copy; the lexicon is loaded once, on first use of ``shared``.
/// Tokens are scanned from the UTF-8 bytes and looked up in a pre-hashed table, without a
/// `String` or a regular expression per word.
package struct SentimentAnalyzer: Sendable {
    /// The analyzer with the bundled VADER lexicon.
    package static let shared = SentimentAnalyzer(lexicon: .bundled)

    private let tokenizer: VADERTokenizer

    init(lexicon: VADERLexicon) {
        tokenizer = VADERTokenizer(lexicon: lexicon)
    }

    /// The sentiment of `text`, best a sentence or a short paragraph (VADER's unit).
    package func score(_ text: String) -> SentimentScore {
        var text = text
        return text.withUTF8(score)
    }

    /// The sentiment of the UTF-8 text in `utf8`.
    func score(_ utf8: UnsafeBufferPointer<UInt8>) -> SentimentScore {
        var tokens: [VADERToken] = []
        tokens.reserveCapacity(utf8.count / 4 + 1)
        let (exclamations, questions) = tokenizer.tokenize(utf8, into: &tokens)
        let compound = VADERValence(tokens: tokens).compound(exclamations: exclamations, questions: questions)
        return SentimentScore(compound: compound)
    }
}
