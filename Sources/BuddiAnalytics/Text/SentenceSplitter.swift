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
                splitter.read(Character(Unicode.Scalar(byte)), at: offset, next: offset + 1, in: text)
            }
        } else {
            let string = String(decoding: text, as: UTF8.self)
            var offset = 0
            for character in string {
                let next = offset + character.utf8.count
                splitter.read(character, at: offset, next: next, in: text)
                offset = next
            }
        }
        splitter.append(splitter.start..<text.count, of: text)
        return splitter.sentences
    }

    private struct Splitter {
        var sentences: [Range<Int>] = []
        var start = 0
        var afterEnd = false

        /// Reads the character at byte `offset`, the next one starting at `next`.
        mutating func read(_ character: Character, at offset: Int, next: Int, in text: UnsafeBufferPointer<UInt8>) {
            if character.isNewline || (afterEnd && character.isWhitespace) {
                append(start..<offset, of: text)
                start = next
                afterEnd = false
            } else {
                afterEnd = character == "." || character == "!" || character == "?" || character == "…"
                    || (afterEnd && (character == "\"" || character == ")" || character == "\u{201D}"))
            }
        }

        /// Keeps `sentence` if it has a character that is not white space.
        mutating func append(_ sentence: Range<Int>, of text: UnsafeBufferPointer<UInt8>) {
            let bytes = text[sentence]
            let hasText = bytes.allSatisfy { $0 < 0x80 }
                ? bytes.contains { $0 != 0x20 && !(0x09...0x0D).contains($0) }
                : String(decoding: bytes, as: UTF8.self).contains { !$0.isWhitespace }
            if hasText { sentences.append(sentence) }
        }
    }
}
