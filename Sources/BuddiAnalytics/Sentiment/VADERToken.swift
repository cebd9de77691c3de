/// One word or emoticon of a text as VADER sees it: its lexicon entry and its case.
struct VADERToken: Sendable {
    /// What the lexicon and the rules know about the lowercased token.
    var info: WordInfo
    /// Python's `str.isupper()`: it has cased letters and all of them are capitals.
    var isUpper: Bool
    /// Whether the token negates what follows: a negation word, or any word containing "n't".
    var negates: Bool

    var isInLexicon: Bool { info.valence != nil }
    var ruleWord: RuleWord { info.ruleWord }
}

/// VADER's tokenization, on UTF-8 bytes: emojis replaced by their descriptions, split on
/// Unicode white space, leading and trailing ASCII punctuation stripped unless that leaves two
/// characters or fewer (an emoticon such as ":)" or ":D" stays whole).
struct VADERTokenizer: Sendable {
    let lexicon: VADERLexicon

    /// The tokens of `text`, and the number of "!" and "?" in it.
    func tokenize(_ text: UnsafeBufferPointer<UInt8>, into tokens: inout [VADERToken]) -> (exclamations: Int, questions: Int) {
        if text.contains(where: { $0 >= 0x80 }) {
            let replaced = replacingEmojis(text)
            return replaced.withUnsafeBufferPointer { split($0, into: &tokens) }
        }
        return split(text, into: &tokens)
    }

    /// The text with every emoji of the emoji lexicon replaced by its description, preceded by a
    /// space unless one is there (and, as in VADER, not followed by one).
    private func replacingEmojis(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.count + 32)
        var afterSpace = true
        var position = 0
        while position < text.count {
            let (scalar, length) = UTF8Scalar.decode(text, at: position)
            if let description = lexicon.emojis[scalar] {
                if !afterSpace { result.append(0x20) }
                result.append(contentsOf: description)
                afterSpace = false
            } else {
                result.append(contentsOf: text[position..<position + length])
                afterSpace = scalar == 0x20
            }
            position += length
        }
        return result
    }

    private func split(_ text: UnsafeBufferPointer<UInt8>, into tokens: inout [VADERToken]) -> (exclamations: Int, questions: Int) {
        var exclamations = 0
        var questions = 0
        var start = -1
        var position = 0
        while position < text.count {
            let byte = text[position]
            let length: Int
            let isSpace: Bool
            if byte < 0x80 {
                length = 1
                isSpace = UTF8Scalar.isASCIIWhitespace(byte)
                if byte == UInt8(ascii: "!") { exclamations += 1 } else if byte == UInt8(ascii: "?") { questions += 1 }
            } else {
                let (scalar, scalarLength) = UTF8Scalar.decode(text, at: position)
                length = scalarLength
                isSpace = UTF8Scalar.isUnicodeWhitespace(scalar)
            }
            if isSpace {
                if start >= 0 { tokens.append(token(text, start..<position)) }
                start = -1
            } else if start < 0 {
                start = position
            }
            position += length
        }
        if start >= 0 { tokens.append(token(text, start..<text.count)) }
        return (exclamations, questions)
    }

    private func token(_ text: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> VADERToken {
        let bytes = UnsafeBufferPointer(rebasing: text[strippingPunctuation(text, word)])
        if !bytes.contains(where: { $0 >= 0x80 }) {
            var hasCapital = false
            var hasSmall = false
            for byte in bytes {
                if byte &- 65 < 26 { hasCapital = true } else if byte &- 97 < 26 { hasSmall = true }
            }
            let info = lexicon.words.value(of: bytes, lowercasing: true) ?? WordInfo()
            return VADERToken(info: info, isUpper: hasCapital && !hasSmall, negates: info.isNegation || Self.containsNT(bytes))
        }
        let original = String(decoding: bytes, as: UTF8.self)
        let lowered = Self.typewriterApostrophes(original.lowercased().utf8)
        var hasCapital = false
        var hasSmall = false
        for scalar in original.unicodeScalars {
            if scalar.properties.isLowercase { hasSmall = true } else if scalar.properties.isUppercase { hasCapital = true }
        }
        let info = lexicon.words.value(of: lowered, lowercasing: false) ?? WordInfo()
        return VADERToken(info: info, isUpper: hasCapital && !hasSmall, negates: info.isNegation || Self.containsNT(lowered))
    }

    /// The word without its leading and trailing ASCII punctuation, unless that leaves two
    /// characters or fewer.
    private func strippingPunctuation(_ text: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> Range<Int> {
        var lower = word.lowerBound
        var upper = word.upperBound
        while lower < upper && UTF8Scalar.isASCIIPunctuation(text[lower]) { lower += 1 }
        while upper > lower && UTF8Scalar.isASCIIPunctuation(text[upper - 1]) { upper -= 1 }
        var characters = 0
        for byte in text[lower..<upper] where byte & 0xC0 != 0x80 { characters += 1 }
        return characters <= 2 ? word : lower..<upper
    }

    /// The bytes with each ’ (U+2019) made ', so that "isn’t" negates as "isn't" does. The
    /// reference misses typographic apostrophes, common in written summaries; this is the
    /// second deliberate difference from it.
    private static func typewriterApostrophes(_ utf8: String.UTF8View) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            bytes.append(byte)
            if bytes.count >= 3 && bytes[bytes.count - 3] == 0xE2 && bytes[bytes.count - 2] == 0x80 && byte == 0x99 {
                bytes.removeLast(3)
                bytes.append(UInt8(ascii: "'"))
            }
        }
        return bytes
    }

    /// Whether the bytes contain "n't", ignoring ASCII case.
    private static func containsNT<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Bool where Bytes.Index == Int {
        guard bytes.count >= 3 else { return false }
        for index in bytes.startIndex..<(bytes.endIndex - 2)
        where asciiLowercase(bytes[index]) == UInt8(ascii: "n") && bytes[index + 1] == UInt8(ascii: "'")
            && asciiLowercase(bytes[index + 2]) == UInt8(ascii: "t") {
            return true
        }
        return false
    }
}
