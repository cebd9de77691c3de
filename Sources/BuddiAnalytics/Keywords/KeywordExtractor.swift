/// Keywords by RAKE, Rapid Automatic Keyword Extraction (Rose, Engel, Cramer & Cowley, "Automatic
/// keyword extraction from individual documents", Text Mining, Wiley 2010): unsupervised, per
/// document, no corpus needed.
///
/// 1. Candidates: the runs of content words between stopwords (``Stopwords``), punctuation,
///    numbers and one-letter words, within one field of the memory; runs longer than
///    ``maxPhraseWords`` are cut into pieces of that length.
/// 2. Each content word w scores deg(w) / freq(w): freq counts its occurrences in candidates,
///    deg adds the length of every candidate it occurs in (so words of longer phrases score more).
/// 3. A distinct candidate scores the sum of its words' scores.
/// 4. The best ``limit`` candidates, by score, then by how often they occur, then by first
///    occurrence — so the order is stable for the same input. Keywords are lowercase.
package struct KeywordExtractor: Sendable {
    /// How many keywords at most.
    package var limit: Int
    /// How many words a keyword phrase has at most.
    package var maxPhraseWords: Int

    /// An extractor of at most `limit` keywords of at most `maxPhraseWords` words.
    package init(limit: Int = 8, maxPhraseWords: Int = 3) {
        self.limit = limit
        self.maxPhraseWords = maxPhraseWords
    }

    /// The keywords of a document made of `fields` (title, summary, action items, transcript
    /// lines…); no phrase spans two fields.
    package func keywords(in fields: [String]) -> [String] {
        keywords(inScanned: fields.map(WordScanner.words))
    }

    func keywords(inScanned fields: [[ScannedWord]]) -> [String] {
        let candidates = fields.flatMap(candidates)
        // Each word's frequency and degree, in one table: one lookup a word.
        var stats: [String: (frequency: Int, degree: Int)] = [:]
        stats.reserveCapacity(candidates.count * 2)
        for candidate in candidates {
            for word in candidate {
                Self.count(&stats[word, default: (0, 0)], inPhraseOf: candidate.count)
            }
        }
        var phrases: [RankedPhrase] = []
        var phraseIndex: [String: Int] = [:]
        for candidate in candidates {
            let phrase = candidate.joined(separator: " ")
            if let index = phraseIndex[phrase] {
                phrases[index].occurrences += 1
            } else {
                phraseIndex[phrase] = phrases.count
                let score = candidate.reduce(0.0) { total, word in
                    let word = stats[word]!
                    return total + Double(word.degree) / Double(word.frequency)
                }
                phrases.append(RankedPhrase(text: phrase, score: score, occurrences: 1))
            }
        }
        return phrases.enumerated().sorted { left, right in
            if left.element.score != right.element.score { return left.element.score > right.element.score }
            if left.element.occurrences != right.element.occurrences { return left.element.occurrences > right.element.occurrences }
            return left.offset < right.offset
        }
        .prefix(limit).map(\.element.text)
    }

    /// Counts one more occurrence of a word, in a phrase of `length` words.
    private static func count(_ stats: inout (frequency: Int, degree: Int), inPhraseOf length: Int) {
        stats.frequency += 1
        stats.degree += length
    }

    /// The candidate phrases of one field, each a list of words.
    private func candidates(_ words: [ScannedWord]) -> [[String]] {
        var candidates: [[String]] = []
        var run: [String] = []
        func endRun() {
            for start in stride(from: 0, to: run.count, by: maxPhraseWords) {
                candidates.append(Array(run[start..<min(start + maxPhraseWords, run.count)]))
            }
            run.removeAll(keepingCapacity: true)
        }
        for word in words {
            if word.followsPunctuation { endRun() }
            if Self.isContentWord(word.text) { run.append(word.text) } else { endRun() }
        }
        endRun()
        return candidates
    }

    private struct RankedPhrase {
        var text: String
        var score: Double
        var occurrences: Int
    }

    /// Not a stopword, a number or a single letter.
    static func isContentWord(_ word: String) -> Bool {
        word.unicodeScalars.count > 1 && word.containsLetter && !Stopwords.contains(word)
    }
}
