/// Splits text into words: runs of letters and digits, joined by an apostrophe (' or ’) or a
/// hyphen between two of them ("don't", "follow-up"). Anything else separates words; what is
/// not white space also separates phrases. Scans UTF-8 bytes, with Unicode properties only for
/// characters beyond ASCII.
enum WordScanner {
    private enum Kind { case word, joiner, space, punctuation }

    /// Calls `body` with each word's bytes, in order, and whether punctuation (other than inside
    /// a word) stands between it and the word before.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Bool) -> Void) {
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
            body(UnsafeBufferPointer(rebasing: bytes[start..<position]), punctuationSeen)
            punctuationSeen = false
        }
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

    /// Appends the word to `text` lowercased, with ’ made ASCII and without a possessive "'s";
    /// whether it is all ASCII.
    static func normalize(_ word: UnsafeBufferPointer<UInt8>, into text: inout [UInt8]) -> Bool {
        let start = text.count
        let isASCII = word.allSatisfy { $0 < 0x80 }
        if isASCII {
            for byte in word { text.append(asciiLowercase(byte)) }
        } else {
            var lowered = String(decoding: word, as: UTF8.self).lowercased()
            if word.contains(0xE2) { lowered = lowered.replacing("\u{2019}", with: "'") }
            // By characters: a letter that joins the one after it ("ൎ'") is not a possessive.
            if lowered.hasSuffix("'s") { lowered.removeLast(2) }
            text.append(contentsOf: lowered.utf8)
            // "DON’T" lowercases to ASCII, and must be the same word as "don't".
            return text[start...].allSatisfy { $0 < 0x80 }
        }
        if text.count - start >= 2 && text[text.count - 2] == UInt8(ascii: "'") && text[text.count - 1] == UInt8(ascii: "s") {
            text.removeLast(2)
        }
        return isASCII
    }
}

@inline(__always)
func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
    (byte | 0x20) &- 97 < 26 || byte &- 48 < 10
}
