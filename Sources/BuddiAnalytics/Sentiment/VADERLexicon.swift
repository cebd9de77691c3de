import Foundation

/// What VADER knows about one lowercase word.
struct WordInfo: Sendable {
    /// The mean human rating of the word in the lexicon, or `nil` if it is not in the lexicon.
    var valence: Double?
    /// The booster (> 0) or dampener (< 0) increment of a degree adverb, else 0.
    var booster: Double = 0
    /// Whether the word is one of VADER's negations.
    var isNegation = false
    /// The word, if a rule names it.
    var ruleWord = RuleWord.none
}

/// The VADER lexicon and emoji lexicon, from the bundled resources, merged with the rules' word
/// lists into one table.
struct VADERLexicon: Sendable {
    /// Everything known about a word, by lowercase word.
    let words: WordTable<WordInfo>
    /// The description VADER reads in place of an emoji (one Unicode scalar), by scalar value.
    let emojis: [UInt32: [UInt8]]

    /// The bundled lexicon; a missing resource is a packaging bug, so it traps.
    static let bundled: VADERLexicon = {
        func resource(_ name: String) -> String {
            guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Resources"),
                let text = try? String(contentsOf: url, encoding: .utf8)
            else { fatalError("BuddiAnalytics: the resource \(name).txt is missing from the bundle") }
            return text
        }
        return VADERLexicon(lexicon: resource("vader_lexicon"), emojiLexicon: resource("emoji_utf8_lexicon"))
    }()

    /// Builds the tables from the two files' text: tab-separated lines, the word or emoji first,
    /// then its mean valence or its description.
    init(lexicon: String, emojiLexicon: String) {
        var words: [String: WordInfo] = [:]
        for (word, rating) in Self.fields(lexicon) {
            words[word, default: WordInfo()].valence = Double(rating)
        }
        for word in VADERRules.boosters {
            words[word, default: WordInfo()].booster = VADERRules.boosterIncrement
        }
        for word in VADERRules.dampeners {
            words[word, default: WordInfo()].booster = VADERRules.dampenerIncrement
        }
        for word in VADERRules.negations {
            words[word, default: WordInfo()].isNegation = true
        }
        for word in RuleWord.allCases where word != .none {
            words[word.rawValue, default: WordInfo()].ruleWord = word
        }
        self.words = WordTable(words)

        var emojis: [UInt32: [UInt8]] = [:]
        for (emoji, description) in Self.fields(emojiLexicon) {
            let scalars = emoji.unicodeScalars
            // VADER replaces emojis character by character, so keys of several scalars never match.
            if scalars.count == 1, let scalar = scalars.first {
                emojis[scalar.value] = Array(description.utf8)
            }
        }
        self.emojis = emojis
    }

    /// The first two tab-separated fields of each non-empty line, without the spaces and tabs
    /// around the line, as VADER trims them. Read as bytes: the files are UTF-8, and this runs
    /// on the start of every process that analyses.
    private static func fields(_ text: String) -> [(String, String)] {
        var fields: [(String, String)] = []
        var text = text
        text.withUTF8 { bytes in
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != 0x0A, bytes[lineEnd] != 0x0D { lineEnd += 1 }
                var lower = lineStart
                var upper = lineEnd
                while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
                while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
                if let tab = bytes[lower..<upper].firstIndex(of: 0x09) {
                    let second = bytes[(tab + 1)..<upper]
                    let secondEnd = second.firstIndex(of: 0x09) ?? upper
                    fields.append((String(decoding: bytes[lower..<tab], as: UTF8.self), String(decoding: bytes[(tab + 1)..<secondEnd], as: UTF8.self)))
                }
                lineStart = lineEnd + 1
            }
        }
        return fields
    }
}
