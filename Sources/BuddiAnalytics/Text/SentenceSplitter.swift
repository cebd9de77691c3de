/// Splits a text into sentences, VADER's unit: after a run of ".", "!", "?" or "…" followed by
/// white space, and at line breaks. The end punctuation stays with its sentence, as VADER reads
/// "!" and "?" as emphasis.
enum SentenceSplitter {
    static func sentences(in text: String) -> [Substring] {
        var sentences: [Substring] = []
        var start = text.startIndex
        var afterEnd = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isNewline || (afterEnd && character.isWhitespace) {
                append(text[start..<index], to: &sentences)
                start = text.index(after: index)
                afterEnd = false
            } else {
                afterEnd = character == "." || character == "!" || character == "?" || character == "…"
                    || (afterEnd && (character == "\"" || character == ")" || character == "\u{201D}"))
            }
            index = text.index(after: index)
        }
        append(text[start...], to: &sentences)
        return sentences
    }

    private static func append(_ sentence: Substring, to sentences: inout [Substring]) {
        if sentence.contains(where: { !$0.isWhitespace }) { sentences.append(sentence) }
    }
}
