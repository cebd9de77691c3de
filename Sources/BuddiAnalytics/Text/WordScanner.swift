/// A word of a text, for keywords, topics and counts.
struct ScannedWord: Sendable, Equatable {
    /// The word, lowercased, with ’ as ', without a possessive "'s".
    var text: String
    /// Whether punctuation (other than inside a word) stands between it and the word before.
    var followsPunctuation: Bool
}

/// Splits text into words: runs of letters and digits, joined by an apostrophe (' or ’) or a
/// hyphen between two of them ("don't", "follow-up"). Anything else separates words; what is
/// not white space also separates phrases. Scans UTF-8 bytes, with Unicode properties only for
/// characters beyond ASCII.
enum WordScanner {
    private enum Kind { case word, joiner, space, punctuation }

    static func words(in text: String) -> [ScannedWord] {
        var text = text
        return text.withUTF8(scan)
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> [ScannedWord] {
        var words: [ScannedWord] = []
        var punctuationSeen = false
        var position = 0
        while position < bytes.count {
            let (kind, length) = classify(bytes, at: position)
            guard kind == .word else {
                if kind != .space { punctuationSeen = true }
                position += length
                continue
            }
            let start = position
            position += length
            while position < bytes.count {
                let (kind, length) = classify(bytes, at: position)
                if kind == .word {
                    position += length
                } else if kind == .joiner, position + length < bytes.count, classify(bytes, at: position + length).kind == .word {
                    position += length
                } else {
                    break
                }
            }
            words.append(ScannedWord(text: normalized(UnsafeBufferPointer(rebasing: bytes[start..<position])), followsPunctuation: punctuationSeen))
            punctuationSeen = false
        }
        return words
    }

    private static func classify(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> (kind: Kind, length: Int) {
        let byte = bytes[position]
        if byte < 0x80 {
            if isASCIIAlphanumeric(byte) { return (.word, 1) }
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "-") { return (.joiner, 1) }
            return (UTF8Scalar.isASCIIWhitespace(byte) ? .space : .punctuation, 1)
        }
        let (value, length) = UTF8Scalar.decode(bytes, at: position)
        guard let scalar = Unicode.Scalar(value) else { return (.punctuation, length) }
        if scalar == "\u{2019}" { return (.joiner, length) }
        if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return (.word, length) }
        return (scalar.properties.isWhitespace ? .space : .punctuation, length)
    }

    /// Lowercased, with ’ made ASCII, and a possessive "'s" removed.
    private static func normalized(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var word: String
        if bytes.allSatisfy({ $0 < 0x80 }) {
            word = String(unsafeUninitializedCapacity: bytes.count) { buffer in
                for (index, byte) in bytes.enumerated() { buffer[index] = asciiLowercase(byte) }
                return bytes.count
            }
        } else {
            word = String(decoding: bytes, as: UTF8.self).lowercased()
            if bytes.contains(0xE2) { word = word.replacing("\u{2019}", with: "'") }
        }
        if word.hasSuffix("'s") { word.removeLast(2) }
        return word
    }
}

@inline(__always)
func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
    (byte | 0x20) &- 97 < 26 || byte &- 48 < 10
}

extension String {
    /// Whether the string contains an ASCII letter or a letter of another script.
    var containsLetter: Bool {
        unicodeScalars.contains { $0.isASCII ? ($0.value | 0x20) &- 97 < 26 : $0.properties.isAlphabetic }
    }
}
