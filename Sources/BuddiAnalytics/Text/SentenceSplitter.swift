/// Splits a text into sentences, VADER's unit: after a run of ".", "!", "?" or "…" followed by
/// white space, and at line breaks. The end punctuation stays with its sentence, as VADER reads
/// "!" and "?" as emphasis. Works by characters as Swift counts them; an ASCII text, whose
/// characters are its bytes (but for CR LF, which splits the same either way), is read as bytes.
enum SentenceSplitter {
    /// The sentences of `text`, as strings.
    static func sentences(in text: String) -> [String] {
        var text = text
        return text.withUTF8 { utf8 in sentences(in: utf8).map { String(decoding: utf8[$0], as: UTF8.self) } }
    }

    /// The byte ranges of the sentences of the UTF-8 `text`.
    static func sentences(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var splitter = Splitter()
        if text.allSatisfy({ $0 < 0x80 }) {
            for (offset, byte) in text.enumerated() {
                splitter.read(Character(Unicode.Scalar(byte)), at: offset, next: offset + 1)
            }
        } else {
            let string = String(decoding: text, as: UTF8.self)
            var offset = 0
            for character in string {
                let next = offset + character.utf8.count
                splitter.read(character, at: offset, next: next)
                offset = next
            }
        }
        splitter.end(at: text.count)
        return splitter.sentences
    }

    private struct Splitter {
        var sentences: [Range<Int>] = []
        var start = 0
        var afterEnd = false
        /// Whether the sentence begun at `start` has a character that is not white space.
        var hasText = false

        /// Reads the character at byte `offset`, the next one starting at `next`.
        mutating func read(_ character: Character, at offset: Int, next: Int) {
            if character.isNewline || (afterEnd && character.isWhitespace) {
                end(at: offset)
                start = next
                afterEnd = false
            } else {
                hasText = hasText || !character.isWhitespace
                afterEnd = character == "." || character == "!" || character == "?" || character == "…"
                    || (afterEnd && (character == "\"" || character == ")" || character == "\u{201D}"))
            }
        }

        /// Ends the sentence begun at `start` at `offset`, keeping it if it has text.
        mutating func end(at offset: Int) {
            if hasText { sentences.append(start..<offset) }
            hasText = false
        }
    }
}
