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
        keywords(in: DocumentWords(fields: fields))
    }

    /// The keywords of a scanned document; no phrase spans two fields.
    func keywords(in document: DocumentWords) -> [String] {
        let candidates = Candidates(document, maxPhraseWords: maxPhraseWords)
        // Each word's frequency and degree, by word id.
        var frequency = [Int](repeating: 0, count: document.distinctCount)
        var degree = [Int](repeating: 0, count: document.distinctCount)
        for candidate in candidates.ranges {
            for word in candidates.words[candidate] {
                frequency[Int(word)] += 1
                degree[Int(word)] += candidate.count
            }
        }
        var phrases: [RankedPhrase] = []
        var phraseIndex: [ArraySlice<Int32>: Int] = [:]
        for candidate in candidates.ranges {
            let words = candidates.words[candidate]
            if let index = phraseIndex[words] {
                phrases[index].count += 1
            } else {
                phraseIndex[words] = phrases.count
                let score = words.reduce(0.0) { total, word in total + Double(degree[Int(word)]) / Double(frequency[Int(word)]) }
                phrases.append(RankedPhrase(occurrences: candidates.occurrences[candidate], score: score, count: 1))
            }
        }
        return phrases.enumerated().sorted { left, right in
            if left.element.score != right.element.score { return left.element.score > right.element.score }
            if left.element.count != right.element.count { return left.element.count > right.element.count }
            return left.offset < right.offset
        }
        .prefix(limit).map { phrase in
            var text: [UInt8] = []
            for occurrence in phrase.element.occurrences {
                if !text.isEmpty { text.append(UInt8(ascii: " ")) }
                text.append(contentsOf: document.bytes(of: occurrence))
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// The candidate phrases: runs of content words of one field, at most `maxPhraseWords` long.
    private struct Candidates {
        /// The word ids of every candidate, back to back.
        var words: [Int32] = []
        /// The occurrences of every candidate, parallel to ``words``.
        var occurrences: [DocumentWords.Occurrence] = []
        /// Each candidate's place in ``words``.
        var ranges: [Range<Int>] = []

        init(_ document: DocumentWords, maxPhraseWords: Int) {
            var isContent = [Bool?](repeating: nil, count: document.distinctCount)
            var runStart = 0
            func endRun() {
                for start in stride(from: runStart, to: words.count, by: maxPhraseWords) {
                    ranges.append(start..<min(start + maxPhraseWords, words.count))
                }
                runStart = words.count
            }
            for field in 0..<document.fieldCount {
                for occurrence in document.occurrences(ofField: field) {
                    if occurrence.followsPunctuation { endRun() }
                    let word = Int(occurrence.word)
                    if isContent[word] == nil {
                        isContent[word] = KeywordExtractor.isContentWord(document.bytes(of: occurrence), hash: document.asciiHashes[word])
                    }
                    if isContent[word]! {
                        words.append(occurrence.word)
                        occurrences.append(occurrence)
                    } else {
                        endRun()
                    }
                }
                endRun()
            }
        }
    }

    private struct RankedPhrase {
        /// Where it first occurs, word by word.
        var occurrences: ArraySlice<DocumentWords.Occurrence>
        var score: Double
        /// How many times it occurs.
        var count: Int
    }

    /// Not a stopword, a number or a single letter: the lowercase `word` has two characters or
    /// more, one of them a letter, and is not in ``Stopwords``. `hash` is its
    /// ``fnv1a(_:lowercasing:)`` if it is ASCII, nil if it is not (no stopword is).
    static func isContentWord(_ word: some Collection<UInt8>, hash: UInt64?) -> Bool {
        guard let hash else {
            let scalars = String(decoding: word, as: UTF8.self).unicodeScalars
            return scalars.count > 1 && scalars.contains { $0.isASCII ? ($0.value | 0x20) &- 97 < 26 : $0.properties.isAlphabetic }
        }
        return word.count > 1 && word.contains { ($0 | 0x20) &- 97 < 26 } && !Stopwords.contains(word, hash: hash)
    }
}
