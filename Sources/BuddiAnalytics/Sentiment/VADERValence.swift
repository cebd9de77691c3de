/// VADER's rules over one text's tokens: the valence of each token, then the compound score.
///
/// A faithful port of `SentimentIntensityAnalyzer.polarity_scores` of vaderSentiment 3.3.2, with
/// one deliberate fix here (the other, typographic apostrophes, is in ``VADERTokenizer``): the
/// "but" rule weights the valences by their position, × 0.5 before the first "but" and × 1.5
/// after it. The reference finds each valence's position with `list.index`, the first equal
/// value, so a valence after "but" equal to a halved one before it is halved again instead.
struct VADERValence {
    let tokens: [VADERToken]
    /// Some but not all tokens are in ALL CAPS, so capitals are emphasis.
    let capsAreEmphasis: Bool

    init(tokens: [VADERToken]) {
        self.tokens = tokens
        let capitalized = tokens.count { $0.isUpper }
        capsAreEmphasis = capitalized > 0 && capitalized < tokens.count
    }

    /// The compound score in [-1, 1]: the sum of the valences, pushed away from 0 by "!" and
    /// "?" emphasis, normalized by x / √(x² + 15).
    func compound(exclamations: Int, questions: Int) -> Double {
        guard !tokens.isEmpty else { return 0 }
        let firstBut = tokens.firstIndex { $0.ruleWord == .but }
        var sum = 0.0
        for index in tokens.indices {
            var valence = self.valence(at: index)
            if let firstBut {
                if index < firstBut { valence *= VADERRules.beforeButWeight }
                if index > firstBut { valence *= VADERRules.afterButWeight }
            }
            sum += valence
        }
        let emphasis = Self.punctuationEmphasis(exclamations: exclamations, questions: questions)
        if sum > 0 { sum += emphasis } else if sum < 0 { sum -= emphasis }
        return min(1, max(-1, sum / (sum * sum + VADERRules.normalizationAlpha).squareRoot()))
    }

    /// Up to four "!" add 0.292 each; two or three "?" add 0.18 each, four or more 0.96.
    static func punctuationEmphasis(exclamations: Int, questions: Int) -> Double {
        let exclamation = Double(min(exclamations, VADERRules.maxExclamations)) * VADERRules.exclamationIncrement
        let question: Double =
            switch questions {
            case ...1: 0
            case 2...3: Double(questions) * VADERRules.questionIncrement
            default: VADERRules.maxQuestionEmphasis
            }
        return exclamation + question
    }

    /// The valence of the token at `index` in its context (0 for boosters and words the lexicon
    /// does not know).
    func valence(at index: Int) -> Double {
        let token = tokens[index]
        guard let rated = token.info.valence, token.info.booster == 0,
            !(token.ruleWord == .kind && word(index + 1) == .of)
        else { return 0 }
        var valence = rated
        // "no" before a rated word negates it instead of counting itself.
        if token.ruleWord == .no && index + 1 < tokens.count && tokens[index + 1].isInLexicon { valence = 0 }
        if word(index - 1) == .no || word(index - 2) == .no
            || (word(index - 3) == .no && (word(index - 1) == .or || word(index - 1) == .nor)) {
            valence = rated * VADERRules.negationScalar
        }
        if token.isUpper && capsAreEmphasis {
            valence += valence > 0 ? VADERRules.capsIncrement : -VADERRules.capsIncrement
        }
        for distance in 1...3 where index >= distance && !tokens[index - distance].isInLexicon {
            valence += boost(by: tokens[index - distance], of: valence) * VADERRules.boosterDecay[distance - 1]
            valence = negated(valence, at: index, distance: distance)
            if distance == 3 { valence = idioms(valence, at: index) }
        }
        return leastChecked(valence, at: index)
    }

    /// The rule word at `index`, or `.none` outside the text.
    private func word(_ index: Int) -> RuleWord {
        tokens.indices.contains(index) ? tokens[index].ruleWord : .none
    }

    /// A booster's or dampener's increment in the direction of `valence`, plus the caps
    /// emphasis if it is in ALL CAPS.
    private func boost(by modifier: VADERToken, of valence: Double) -> Double {
        guard modifier.info.booster != 0 else { return 0 }
        var scalar = valence < 0 ? -modifier.info.booster : modifier.info.booster
        if modifier.isUpper && capsAreEmphasis {
            scalar += valence > 0 ? VADERRules.capsIncrement : -VADERRules.capsIncrement
        }
        return scalar
    }

    /// Negation by the word `distance` words before, with "never so/this" as emphasis and
    /// "without doubt" as no negation.
    private func negated(_ valence: Double, at index: Int, distance: Int) -> Double {
        let scaled = valence * VADERRules.negationScalar
        switch distance {
        case 1:
            return tokens[index - 1].negates ? scaled : valence
        case 2:
            if word(index - 2) == .never && isSoOrThis(index - 1) { return valence * VADERRules.neverSoScalar }
            if word(index - 2) == .without && word(index - 1) == .doubt { return valence }
            return tokens[index - 2].negates ? scaled : valence
        default:
            // As in the reference, a "so"/"this" just before the word counts as "never so" here.
            if (word(index - 3) == .never && isSoOrThis(index - 2)) || isSoOrThis(index - 1) {
                return valence * VADERRules.neverSoScalar
            }
            if word(index - 3) == .without && (word(index - 2) == .doubt || word(index - 1) == .doubt) { return valence }
            return tokens[index - 3].negates ? scaled : valence
        }
    }

    private func isSoOrThis(_ index: Int) -> Bool {
        word(index) == .so || word(index) == .this
    }

    /// Special-case phrases around the word replace its valence; "kind of"-style dampener
    /// phrases just before it add theirs.
    private func idioms(_ valence: Double, at index: Int) -> Double {
        var valence = valence
        if let value = Self.specialCasesBefore.lazy.compactMap({ specialCase(index + $0.lowerBound...index + $0.upperBound) }).first {
            valence = value
        }
        for after in Self.specialCasesAfter where index + after.upperBound < tokens.count {
            if let value = specialCase(index + after.lowerBound...index + after.upperBound) { valence = value }
        }
        for phrase in Self.dampenerPhrasesBefore
        where VADERRules.dampenerPhrases.contains(where: { matches($0, index + phrase.lowerBound...index + phrase.upperBound) }) {
            valence += VADERRules.dampenerIncrement
        }
        return valence
    }

    /// Where the reference looks for phrases, relative to the word, in its order.
    private static let specialCasesBefore = [-1...0, -2...0, -2...(-1), -3...(-1), -3...(-2)]
    private static let specialCasesAfter = [0...1, 0...2]
    private static let dampenerPhrasesBefore = [-3...(-1), -3...(-2), -2...(-1)]

    private func specialCase(_ range: ClosedRange<Int>) -> Double? {
        VADERRules.specialCases.first { matches($0.phrase, range) }?.valence
    }

    private func matches(_ phrase: [RuleWord], _ range: ClosedRange<Int>) -> Bool {
        phrase.count == range.count && zip(phrase, range).allSatisfy { tokens[$1].ruleWord == $0 }
    }

    /// "least" just before a word negates it, unless it is "at least" or "very least".
    private func leastChecked(_ valence: Double, at index: Int) -> Double {
        guard index >= 1, word(index - 1) == .least, !tokens[index - 1].isInLexicon else { return valence }
        if index >= 2 && (word(index - 2) == .at || word(index - 2) == .very) { return valence }
        return valence * VADERRules.negationScalar
    }
}
